"""The model's concerns, one module each; `decarb.formulation.build.ORDER` fixes the order they are added in."""
