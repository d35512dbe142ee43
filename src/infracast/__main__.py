"""`python -m infracast` runs the command line."""

from infracast.cli.main import run

run()
