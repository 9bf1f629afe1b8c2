"""`python -m decarb ...` is `decarb ...`."""
from decarb.cli import main

main(prog_name="decarb")
