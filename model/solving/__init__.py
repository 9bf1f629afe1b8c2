"""Solving: the hand-over to HiGHS, a typed status, and re-solves in place."""
