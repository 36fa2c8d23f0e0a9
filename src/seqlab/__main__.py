"""`python -m seqlab` runs the command line."""

from seqlab.cli import main

main()
