"""The decarb command line from a checkout: `python cli.py ...` is `decarb ...`.

The commands live in `model/cli.py` (installed as `decarb.cli`), so that an
installed decarb puts nothing under a generic top-level name.
"""
from decarb.cli import main

if __name__ == "__main__":
    main()
