"""decarb: industrial decarbonisation investment planning.

inputs -> Dataset -> Pyomo model -> HiGHS -> results -> run store -> reports.
"""
