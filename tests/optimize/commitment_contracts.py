"""The command contracts of ``infracast optimize commitments`` (added to the registry of
``tests/cli/contracts.py``), and the files they read.

- ``demand.csv``: two equally likely flat scenarios over 3 months, 100 and 300 GPU-hours a
  month; on demand 4, 1y 2.8, 3y 2.4, spot 3 (half the demand at most) per GPU-hour. The
  first 100 GPU-hours are always used (3y: break-even 0.6); above them spot (3) beats
  committing units used half the time (2.4 > 0.5 × 4 = 2): 3y × 100; in the high
  scenario spot takes 150 of the other 200 and on demand 50.
- ``forecast.csv`` and ``book.csv``: a two-month H100 forecast with 80 % and 95 % intervals
  priced by a four-line book (AWS p5: 4.00, 2.80, 2.40 a GPU-hour; Lambda on demand 2.50,
  left out by --provider aws).
"""

from __future__ import annotations

from pathlib import Path

from infracast.control.optimizing._commitments import commitments
from tests.cli.contracts import Contract

DEMAND = "scenario,period,demand\n" + "".join(
    f"{name},{month},{level}\n"
    for name, level in (("low", 100), ("high", 300))
    for month in (1, 2, 3)
)
FORECAST = """unique_id,ds,yhat,lo80,hi80,lo95,hi95,model
H100,2026-01-01,100,50,150,20,180,naive
H100,2026-02-01,110,55,165,22,198,naive
"""
BOOK = (
    "provider,region,instance_type,accelerator,accelerators_per_instance,pricing_model,"
    "price_per_hour,currency,as_of,derived,source\n"
)
BOOK += """AWS,us-east-1,p5.48xlarge,H100,8,on_demand,32.00,USD,2026-05-20,,test book
AWS,us-east-1,p5.48xlarge,H100,8,commit_1y,22.40,USD,2026-05-20,,test book
AWS,us-east-1,p5.48xlarge,H100,8,commit_3y,19.20,USD,2026-05-20,,test book
Lambda,us-west-1,gpu_8x_h100,H100,8,on_demand,20.00,USD,2026-05-20,,test book
"""


def write_inputs(root: Path) -> None:
    (root / "demand.csv").write_text(DEMAND, encoding="utf-8")
    (root / "forecast.csv").write_text(FORECAST, encoding="utf-8")
    (root / "book.csv").write_text(BOOK, encoding="utf-8")


PRICES = ("--on-demand-price", "4", "--price-1y", "2.8", "--price-3y", "2.4")

COMMITMENT_CONTRACTS: list[Contract] = [
    Contract(
        "optimize-commitments",
        ("optimize", "commitments", "demand.csv", *PRICES, "--spot-price", "3"),
        lambda root: commitments(
            input="demand.csv", on_demand_price=4, price_1y=2.8, price_3y=2.4, spot_price=3
        ).to_dict(),
        world=write_inputs,
        volatile=("solve_seconds",),
    ),
    Contract(
        "optimize-commitments-book",
        (
            "optimize",
            "commitments",
            "forecast.csv",
            "-a",
            "H100",
            "--prices",
            "book.csv",
            "--provider",
            "aws",
        ),
        lambda root: commitments(
            input="forecast.csv", accelerator="H100", prices="book.csv", provider="aws"
        ).to_dict(),
        world=write_inputs,
        volatile=("solve_seconds",),
    ),
]
