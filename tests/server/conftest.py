"""The API tests also run the CLI, to compare what both answer."""

from tests.cli.conftest import cli  # noqa: F401 (the fixture that runs the command line)
