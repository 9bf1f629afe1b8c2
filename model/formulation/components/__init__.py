"""The model's concerns, one module each; `model.formulation.build.ORDER` fixes the order they are added in."""
