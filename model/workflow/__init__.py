"""Workflow: what the commands do: one run into the store, sweeps and their levers."""
