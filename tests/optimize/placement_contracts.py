"""The contract of ``infracast optimize placement``, for the parity and golden tests of
``tests/cli/contracts.py`` (its registry adds :data:`PLACEMENT_CONTRACTS`), and the files it
reads: three workloads on four H100 offers of 8 GPUs each, priced per instance-hour.

- ``workloads.csv``: ``train`` (8 GPUs, 100 h, any provider, current offer ``aws-big``),
  ``tune`` (8 GPUs, 50 h, AWS only, current offer ``aws-big``), ``eval`` (8 GPUs, 10 h, no
  current offer);
- ``offers.csv``: ``aws-cheap`` (AWS, 20 an hour, one instance available), ``gcp`` (21),
  ``aws-big`` (AWS, 40) and ``lambda-spot`` (8, spot: no workload is interruptible).

Greedy (most GPU-hours first) puts ``train`` on ``aws-cheap`` (2,000), leaving ``tune`` the
dearer AWS offer (40 × 50 = 2,000) and ``eval`` ``gcp`` (210): 4,210. The optimum gives
``aws-cheap`` to ``tune`` (1,000), ``train`` and ``eval`` to ``gcp`` (2,100 + 210): 3,310.
The baseline is ``train`` and ``tune`` on ``aws-big`` (4,000 + 2,000) and ``eval`` on the
cheapest on-demand offer, capacity ignored (``aws-cheap``, 200): 6,200; savings 2,890.
"""

from __future__ import annotations

from pathlib import Path

from infracast.control.optimizing._placement import placement
from tests.cli.contracts import Contract

WORKLOADS = """\
workload,gpus,hours,accelerators,providers,team,current_offer
train,8,100,H100,,research,aws-big
tune,8,50,H100,aws,applied,aws-big
eval,8,10,H100,,infra,
"""
OFFERS = """\
offer,provider,region,accelerator,gpus_per_instance,price_per_hour,pricing,capacity_instances
aws-cheap,aws,us-east-1,H100,8,20,on_demand,1
gcp,gcp,us-central1,H100,8,21,on_demand,
aws-big,aws,us-east-1,H100,8,40,on_demand,
lambda-spot,lambda,us-east-1,H100,8,8,spot,
"""


def write_inputs(root: Path) -> None:
    (root / "workloads.csv").write_text(WORKLOADS, encoding="utf-8")
    (root / "offers.csv").write_text(OFFERS, encoding="utf-8")


PLACEMENT_CONTRACTS: list[Contract] = [
    Contract(
        "optimize-placement",
        ("optimize", "placement", "workloads.csv", "--offers", "offers.csv"),
        lambda root: placement("workloads.csv", "offers.csv").to_dict(),
        world=write_inputs,
        volatile=("solve_seconds",),
    ),
]
