"""Plant mode (formulation section 7): the plants of plants.csv switch technology along
transitions.csv; fleet (pandas parameters), incentives (support of each switch),
switching (the Pyomo component)."""
