"""Outputs: result tables, the run store, the terminal summary, comparisons, exports and the HTML report."""
