"""Reading the files a user hands over as input: text, YAML specs and CSV tables.

One reader for every spec file (budgets, projects, plans, finance and estimate
specs, risk files, price overrides, category rules, cash-flow CSVs), so each
problem gets the same specific message wherever it happens: the path that does
not exist with the files that do beside it, a folder given for a file, a file
that is not UTF-8 text (with the byte where it stops being text), YAML that does
not parse (the line, the column and the line itself), a YAML file that is empty
or holds a list where a mapping is expected, a CSV with a repeated column.

Errors are :class:`~infracast.errors.InputFileError` (a ConfigError) unless the
caller passes its own class, e.g. ``error=ControlError``.
"""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path
from typing import Any, Literal

import yaml

from infracast.amounts import TextNumberLoader
from infracast.errors import InfracastError, InputFileError

ErrorClass = type[InfracastError]


def _missing(path: Path, what: str, error: ErrorClass) -> InfracastError:
    """No file at ``path``: say what is there instead (a close name, or the files of its kind)."""
    folder = path.parent
    if not folder.is_dir():
        hint = f"The folder {folder} does not exist either (paths are relative to {Path.cwd()})."
        return error(f"{what}: no such file {path}.", hint=hint, file=path)
    nearby = sorted(p.name for p in folder.iterdir() if p.is_file())
    alike = [n for n in nearby if path.suffix and n.lower().endswith(path.suffix.lower())]
    # compare names without their common suffix, or every .yaml file looks close to another
    stems = {Path(n).stem: n for n in (alike or nearby)}
    close = difflib.get_close_matches(path.stem, list(stems), n=1, cutoff=0.6)
    if close:
        hint = f'Did you mean "{stems[close[0]]}"?'
    elif alike:
        hint = f"{folder} holds {', '.join(alike[:8])}{' …' if len(alike) > 8 else ''}."
    else:
        hint = f"There is no {path.suffix or 'such'} file in {folder}; check the path."
    return error(f"{what}: no such file {path}.", hint=hint, file=path)


def read_text(path: str | Path, *, what: str, error: ErrorClass = InputFileError) -> str:
    """The text of ``path`` (UTF-8, a BOM allowed); ``what`` names it in messages
    (``--finance-spec``, ``the budgets file``)."""
    path = Path(path)
    if path.is_dir():
        raise error(
            f"{what}: {path} is a folder, not a file.",
            hint="Name the file itself, e.g. " + str(path / "spec.yaml") + ".",
            file=path,
        )
    if not path.exists():
        raise _missing(path, what, error)
    try:
        data = path.read_bytes()
    except PermissionError:
        raise error(
            f"{what}: {path} cannot be read by this user (permission denied).",
            hint=f"Check its permissions (ls -l {path}) or copy it somewhere readable.",
            file=path,
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = data[: exc.start]
        line = start.count(b"\n") + 1
        raise error(
            f"{what}: {path} is not UTF-8 text (byte {exc.start + 1}, line {line}, "
            f"is {data[exc.start : exc.start + 1]!r}).",
            hint="Save it as UTF-8 (most editors: 'Save with encoding'); a spreadsheet's "
            "'CSV UTF-8' export does this.",
            file=path,
            row=line,
        ) from None


def read_yaml(
    path: str | Path,
    *,
    what: str,
    expect: Literal["mapping", "list", "any"] = "mapping",
    numbers_as_text: bool = True,
    error: ErrorClass = InputFileError,
) -> Any:
    """The YAML document in ``path``.

    ``numbers_as_text`` keeps numbers as written (the fields parse them with the
    one amount rule, docs/numbers.md); ``expect`` checks the top level.
    """
    path = Path(path)
    text = read_text(path, what=what, error=error)
    return parse_yaml(
        text, what=what, file=path, expect=expect, numbers_as_text=numbers_as_text, error=error
    )


def parse_yaml(
    text: str,
    *,
    what: str,
    file: Path | None = None,
    expect: Literal["mapping", "list", "any"] = "mapping",
    numbers_as_text: bool = True,
    error: ErrorClass = InputFileError,
) -> Any:
    """:func:`read_yaml` of a text already in hand (``file`` names it in messages)."""
    where = f"{what}: {file}" if file is not None else what
    loader = TextNumberLoader if numbers_as_text else yaml.SafeLoader
    try:
        data = yaml.load(text, Loader=loader)  # a SafeLoader (or its subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if mark is None:
            raise error(
                f"{where} is not valid YAML: {problem}.", hint=_YAML_HINT, file=file
            ) from None
        lines = text.splitlines()
        shown = lines[mark.line] if mark.line < len(lines) else ""
        raise error(
            f"{where} is not valid YAML at line {mark.line + 1}, column {mark.column + 1}: "
            f"{problem}: {shown.strip()!r}.",
            hint=_YAML_HINT,
            file=file,
            row=mark.line + 1,
        ) from None
    if data is None and expect != "any":
        raise error(
            f"{where} is empty.",
            hint="Write the spec in it; the docs page of the command shows an example.",
            file=file,
        )
    if expect == "mapping" and not isinstance(data, dict):
        raise error(
            f"{where} holds a {_kind(data)}, not a mapping of key: value.",
            hint="Start the file with the keys (name: …) at the left margin, no leading '- '.",
            file=file,
        )
    if expect == "list" and not isinstance(data, list):
        raise error(
            f"{where} holds a {_kind(data)}, not a list.",
            hint="Write one item per '- ' line.",
            file=file,
        )
    return data


_YAML_HINT = (
    "YAML wants 'key: value' with a space after the colon, the same indentation (spaces, "
    "not tabs) for keys of one level, and quotes around text with ': ' or '#' in it."
)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return f"single value ({value!r})"


def read_csv_rows(
    path: str | Path, *, what: str, error: ErrorClass = InputFileError
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, rows) of a CSV file; each row is (its 1-based line number, {column: text}).

    Refuses a file without a header, a header that repeats a column (which would
    silently keep one of them) and a row with more values than the header.
    """
    path = Path(path)
    text = read_text(path, what=what, error=error)
    return parse_csv_rows(text, what=what, file=path, error=error)


def parse_csv_rows(
    text: str, *, what: str, file: Path | None = None, error: ErrorClass = InputFileError
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """:func:`read_csv_rows` of a text already in hand (``file`` names it in messages)."""
    where = f"{what}: {file}" if file is not None else what
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for values in reader:
        line = reader.line_num
        if header is None:
            if not any(v.strip() for v in values):
                continue
            header = [v.strip() for v in values]
            repeated = sorted({h for h in header if h and header.count(h) > 1})
            if repeated:
                raise error(
                    f"{where}: the header repeats the column {', '.join(repeated)}.",
                    hint="Give each column once; rename or delete the extra one.",
                    file=file,
                    row=line,
                )
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise error(
                f"{where}, line {line}: {len(values)} values but the header has "
                f"{len(header)} columns.",
                hint='Quote values that contain a comma ("1,000") or remove the extra ones.',
                file=file,
                row=line,
            )
        rows.append((line, {h: v for h, v in zip(header, values, strict=False)}))
    if header is None:
        raise error(
            f"{where} is empty: no header row.",
            hint="The first line names the columns (the docs page of the command lists them).",
            file=file,
        )
    return header, rows
