"""`python -m tagaudit` runs the command line."""

from tagaudit.cli import main

main()
