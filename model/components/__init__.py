"""The model's concerns, one module each; `model.build.ORDER` fixes the order they are added in."""
