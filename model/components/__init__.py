"""The model's concerns, one module each, added to the model in the order of `ORDER`."""
