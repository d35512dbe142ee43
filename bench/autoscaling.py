"""Benchmark: autoscaling policies replayed on real serving traces (issue 14, item 5).

Data (``../shared/data/traces/``, read in place; each folder's README gives the figures):

- ``azure_llm_inference_2023``: Azure LLM inference, 2023-11-16, one hour (Splitwise; Patel
  et al., ISCA 2024). ``conv`` as requests per 10 s, ``code`` as tokens (context +
  generated) per 10 s. Replica: a 70B model on H100 from the inference estimate, at the
  trace's mean tokens per request, priced at the book's cheapest on-demand H100.
- ``alibaba_genai_v2026``: Alibaba diffusion serving (Lin et al., SoCC 2025). ``qps.tar.gz``
  (the service's Generative QPS, scaled by Alibaba, 22 hours) per 60 s, and
  ``lora_request_trace.csv`` (requests, 23 days) per 60 s. Not an LLM, so the replica is
  given: one GPU serves one request at a time for the trace's mean ``exec_time_seconds``,
  28.7 s (the README), i.e. 1 / 28.7 requests/s, priced at the book's cheapest on-demand A10
  (Alibaba runs A10s; the trace names no GPU).

Every policy uses the library's defaults: start-up 300 s (and again 60 s, a warm node with
the weights cached), target utilization 0.8, cooldown 300 s, scheduled trained on the first
half, the SLO ≤ 1 % of intervals over capacity and ≤ 2 s of added queueing delay at p99.
Reported per trace, start-up and policy: cost, cost ÷ static-peak's (the baseline, in the
same run), share of intervals over capacity, p99 and max delay, utilization, and the wall
time of the policy's decisions and replay (reading the trace is timed apart); and the
cheapest policy under a looser SLO (≤ 5 %, ≤ 60 s at p99). The last line replays the 23-day
request trace at 1-second intervals (about 2 million) to time the vectorized replay at scale.

    python -m bench.autoscaling
"""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np

from infracast.catalog import PriceSelection
from infracast.control.optimizing.autoscaling_inputs import autoscaling, read_trace
from infracast.optimize import DemandTrace, ServingConfig, simulate_autoscaling

ROOT = Path(__file__).resolve().parents[1]
TRACES = Path(os.environ.get("INFRACAST_SHARED_DATA", ROOT.parent / "shared" / "data")) / "traces"
AZURE = TRACES / "azure_llm_inference_2023"
GENAI = TRACES / "alibaba_genai_v2026"
STARTUPS = (300.0, 60.0)  # the default, and a warm node with the weights cached
LOOSE = (0.05, 60.0)  # a looser SLO: ≤ 5 % of intervals over capacity, ≤ 60 s of delay
DIFFUSION_SECONDS = 28.7  # mean exec_time_seconds of lora_request_trace.csv (its README)


def a10_price() -> tuple[float, str]:
    book = PriceSelection().book()
    best = book.options("A10", pricing_model="on_demand")
    best = [o for o in best if o.currency == "USD"]
    return float(best[0].price_per_accelerator_hour), best[0].describe()


def cases() -> list[tuple[str, dict]]:
    price, _ = a10_price()
    llm = {"params": "70B", "accelerator": "H100", "interval": 10.0}
    diffusion = {"replica_throughput": 1 / DIFFUSION_SECONDS, "price_per_hour": price,
                 "interval": 60.0}  # fmt: skip
    return [
        ("azure conv (requests)", {"input": AZURE / "AzureLLMInferenceTrace_conv.csv", **llm}),
        (
            "azure code (tokens)",
            {"input": AZURE / "AzureLLMInferenceTrace_code.csv", "unit": "tokens", **llm},
        ),
        ("alibaba genai qps", {"input": GENAI / "qps.tar.gz", **diffusion}),
        ("alibaba genai requests", {"input": GENAI / "lora_request_trace.csv", **diffusion}),
    ]


def main() -> None:
    print(f"# {platform.node()} {os.cpu_count()} cores, numpy {np.__version__}")
    price, source = a10_price()
    print(f"# diffusion replica: 1/{DIFFUSION_SECONDS} requests/s at {price:g} USD/h ({source})")
    head = "| trace | start-up s | policy | cost | vs static | over capacity | delay p99 s "
    print(head + "| delay max s | utilization | SLO | wall ms |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for name, kwargs in cases():
        for startup in STARTUPS:
            began = time.perf_counter()
            advice = autoscaling(**kwargs, startup_seconds=startup)
            total = time.perf_counter() - began
            res = advice.result
            for o in res.outcomes:
                mark = " **best**" if o.policy == res.best_policy else ""
                print(
                    f"| {name} | {startup:g} | {o.policy}{mark} | {o.cost:,.2f} | "
                    f"{o.cost_ratio:.3f} | {o.violation_share:.1%} | "
                    f"{o.delay_p99_seconds:.1f} | {o.delay_max_seconds:.1f} | "
                    f"{o.utilization:.0%} | {'met' if o.meets_slo else 'missed'} | "
                    f"{o.seconds * 1000:.1f} |"
                )
            loose = [o for o in res.outcomes if o.violation_share <= LOOSE[0]
                     and o.delay_p99_seconds <= LOOSE[1]]  # fmt: skip
            cheapest = min(loose, key=lambda o: o.cost).policy if loose else "none"
            print(
                f"<!-- {name}, start-up {startup:g} s: cheapest under the loose SLO: "
                f"{cheapest}; {res.intervals} intervals of {res.interval_seconds:g} s, "
                f"mean {res.demand_mean:.4g} / peak {res.demand_peak:.4g} {res.unit}/s; "
                f"replica {res.config.replica_throughput:.4g} {res.unit}/s at "
                f"{res.config.price_per_replica_hour:.4g} USD/h; all of it {total:.2f} s -->"
            )
    scale()


def scale() -> None:
    """The request trace at 1-second intervals: the replay's time at millions of intervals."""
    began = time.perf_counter()
    read = read_trace(GENAI / "lora_request_trace.csv", interval=1.0)
    loaded = time.perf_counter() - began
    price, _ = a10_price()
    config = ServingConfig(replica_throughput=1 / DIFFUSION_SECONDS, price_per_replica_hour=price)
    trace = DemandTrace(read.trace.rate, 1.0, read.trace.unit, read.trace.start)
    began = time.perf_counter()
    res = simulate_autoscaling(trace, config)
    spent = time.perf_counter() - began
    each = ", ".join(f"{o.policy} {o.seconds:.2f} s" for o in res.outcomes)
    print(f"# scale: {res.intervals:,} intervals of 1 s: read {loaded:.2f} s, all four "
          f"policies {spent:.2f} s ({each})")  # fmt: skip


if __name__ == "__main__":
    main()
