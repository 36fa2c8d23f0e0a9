"""The `seqlab` command line."""

from seqlab.cli.app import app, main

__all__ = ["app", "main"]
