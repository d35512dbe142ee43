"""The command contracts of ``infracast optimize``, for the parity and golden tests of
``tests/cli/contracts.py`` (its registry adds :data:`OPTIMIZE_CONTRACTS`), and the files
they read.

- ``resources.csv``: the worked example of docs/worked-examples.md (c): servers 100 at
  1,000, storage 100 TB at 100, network 100 Gbps at 50, tools 50 at 100, data 50 TB at 200:
  the plan buys exactly the demand for 130,000 USD.
- ``teams.csv``: research 40 GPUs (weight 2, priority 1), applied-ml 30 (priority 2),
  inference 10 (priority 3), sharing 48 GPUs max-min fairly by weight: inference's 10 in
  full, then research 2/3 and applied-ml 1/3 of the remaining 38 (25.33 and 12.67).
"""

from __future__ import annotations

from pathlib import Path

from infracast.control.optimizing import allocate, resources
from tests.cli.contracts import Contract

WORKED_EXAMPLE = """name,unit,unit_cost,demand
servers,server,1000,100
storage,TB,100,100
network,Gbps,50,100
tools,licence,100,50
data,TB,200,50
"""
TEAMS = """name,demand,weight,priority
research,40,2,1
applied-ml,30,1,2
inference,10,1,3
"""


def write_inputs(root: Path) -> None:
    (root / "resources.csv").write_text(WORKED_EXAMPLE, encoding="utf-8")
    (root / "teams.csv").write_text(TEAMS, encoding="utf-8")


OPTIMIZE_CONTRACTS: list[Contract] = [
    Contract(
        "optimize-resources",
        ("optimize", "resources", "resources.csv"),
        lambda root: resources("resources.csv").to_dict(),
        world=write_inputs,
    ),
    Contract(
        "optimize-allocate",
        ("optimize", "allocate", "teams.csv", "--capacity", "48"),
        lambda root: allocate("teams.csv", capacity=48).to_dict(),
        world=write_inputs,
    ),
]
