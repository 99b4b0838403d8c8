"""`python -m aikg` runs the CLI."""

from aikg.cli import main

main()
