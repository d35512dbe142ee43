"""Derive the package's FOCUS column table from the specification metadata.

Source for FOCUS 1.0, 1.1 and 1.2: ``../shared/data/focus/columns.csv``, itself
read from FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec at tags v1.0
(f7f58a0a), v1.1 (6108d409) and v1.2 (7296e314); license CC BY 4.0.
FOCUS 1.3 adds eight columns and deprecates ProviderName and PublisherName;
those facts were read from the same repository,
``specification/datasets/cost_and_usage/columns/*.md`` ("Introduced (version)"
and "Deprecated (version)" sections, v1.3 release, 2025-12).

Run: ``python scripts/build_focus_columns.py [path/to/columns.csv]``; writes
``src/infracast/data/focus_columns.csv``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "focus" / "columns.csv"
TARGET = ROOT / "src" / "infracast" / "data" / "focus_columns.csv"

# column_id: (data_type, feature_level, allows_nulls); introduced in FOCUS 1.3
ADDED_IN_13 = {
    "AllocatedMethodDetails": ("JSON", "Conditional", "True"),
    "AllocatedMethodId": ("String", "Conditional", "True"),
    "AllocatedResourceId": ("String", "Conditional", "True"),
    "AllocatedResourceName": ("String", "Conditional", "True"),
    "AllocatedTags": ("JSON", "Conditional", "True"),
    "ContractApplied": ("JSON", "Conditional", "True"),
    "HostProviderName": ("String", "Mandatory", "True"),
    "ServiceProviderName": ("String", "Mandatory", "False"),
}
DEPRECATED_IN_13 = {"ProviderName", "PublisherName"}


def main(source: Path) -> None:
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    latest: dict[str, dict[str, str]] = {}
    versions: dict[str, list[str]] = {}
    for row in rows:
        col = row["column_id"]
        versions.setdefault(col, []).append(row["version"])
        latest[col] = row  # rows are ordered by version, so the last one wins
    out = []
    for col in sorted(set(latest) | set(ADDED_IN_13)):
        if col in ADDED_IN_13:
            data_type, level, nulls = ADDED_IN_13[col]
            vers, introduced = ["1.3"], "1.3"
        else:
            row = latest[col]
            data_type, level, nulls = row["data_type"], row["feature_level"], row["allows_nulls"]
            vers = [*versions[col], "1.3"] if "1.2" in versions[col] else versions[col]
            introduced = row["introduced_version"]
        out.append(
            {
                "column_id": col,
                "data_type": data_type,
                "feature_level": level,
                "allows_nulls": nulls,
                "introduced": introduced,
                "versions": " ".join(vers),
                "deprecated_in": "1.3" if col in DEPRECATED_IN_13 else "",
            }
        )
    with TARGET.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(out[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(out)
    print(f"wrote {len(out)} columns to {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
