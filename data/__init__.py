"""The datasets shipped with decarb, one folder each (the default: `japan/`).

Installed, this folder is the package `decarb.data`, so `decarb run` finds the
default dataset from any folder.
"""
