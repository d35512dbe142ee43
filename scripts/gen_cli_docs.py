"""Generate docs/cli.md, the command reference, from the commands' own --help.

Run: ``python scripts/gen_cli_docs.py``. A test fails when docs/cli.md is out
of date, so the reference cannot rot.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"


def commands() -> list[list[str]]:
    """Every command path, e.g. ["ingest"], ["quarantine", "list"]."""
    import typer.main

    from infracast.cli.main import app

    group = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, cmd in sorted(group.commands.items()):  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        if sub:
            paths.append([name])
            paths.extend([name, s] for s in sorted(sub))
        else:
            paths.append([name])
    return paths


def help_text(path: list[str]) -> str:
    from typer.testing import CliRunner

    from infracast.cli.main import app

    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip() + "\n"


def render() -> str:
    os.environ["COLUMNS"] = "100"
    parts = [
        "# Command reference\n",
        "Generated from each command's `--help` by `scripts/gen_cli_docs.py`; "
        "do not edit by hand.\n",
    ]
    for path in commands():
        title = " ".join(["infracast", *path])
        parts.append(f"## `{title}`\n\n```text\n{help_text(path)}```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}", file=sys.stderr)
