"""Inputs: table schema, settings, loading, validation, the commodity graph and policy cases -> a Dataset."""
