"""Formulation: a Dataset -> parameters (sparse sets, coefficients) -> a Pyomo model, one module per concern."""
