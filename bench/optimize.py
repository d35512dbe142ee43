"""Benchmark: placement at scale, column generation against the whole MILP and greedy.

Data, generated here from ``--seed`` (nothing read from disk): ``--workloads`` workloads and
``--offers`` offers over 8 accelerators. Accelerator ``j`` has a price level per GPU-hour
(1.0 × 1.45^j USD, so 1.0 .. 9.9) and a relative speed (1.3^j: dearer chips finish sooner, so
no accelerator dominates). An offer is one accelerator, 1, 2, 4 or 8 GPUs per instance, and
a price per instance-hour of level × GPUs × U(0.7, 1.3) (±30% around the accelerator's
level). A workload needs 1..64 GPUs at once (2^U(0, 6), rounded) for log-normal hours on
the slowest chip (median 50), and accepts each offer with probability 0.3 (about 30% of the
offers; at least one). On offer ``o`` it takes ``a = ceil(gpus / gpus_per_instance)``
instances and costs ``a × price × hours / speed``. Capacities: 1.3 × the total GPUs
demanded, shared among the offers by Dirichlet(1) weights, in whole instances (at least 1).

Measured: ``infracast.optimize._assignment.solve_assignment`` (``method="colgen"``, gap
0.5%, time limit 60 s): wall time, the gap proven against a bound valid for the full model
(the Lagrangian at the restricted LPs' capacity duals), pricing rounds and columns,
peak memory (``resource.getrusage`` maxrss: the whole process's peak resident set, HiGHS and
the instance included; with ``--tracemalloc`` also the Python-allocated peak, numpy
included, during the solve: tracing slows the solver's Python loops, so timings taken with
it are not comparable). Compared with:

- greedy cheapest-first: workloads with most GPUs first, each on its cheapest pair with
  capacity left (``greedy_assignment``); may leave workloads unplaced (reported);
- the baseline: each workload on its cheapest pair ignoring capacity, Σ_w min_p c_p. It is a
  lower-side reference (no capacity-respecting plan costs less), not a plan;
- the same column generation started from subgradient prices instead of a sample's LP
  (``sample_from`` above the workload count: the start used before the sample), timed in
  the same run (skip with ``--no-start-baseline``);
- at ``--small-workloads × --small-offers`` (default 1,000 × 200), the whole MILP solved by
  HiGHS outright (``method="milp"``, gap 1e-6), against column generation's objective.

    python -m bench.optimize                                   # 10,000 x 1,000
    python -m bench.optimize --workloads 2000 --offers 300      # a quick run
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any

import numpy as np

from infracast.optimize._assignment import greedy_assignment, solve_assignment
from infracast.optimize._colgen import SAMPLE_MIN

ACCELERATORS = 8


@dataclass
class Instance:
    pair_w: np.ndarray
    pair_o: np.ndarray
    pair_cost: np.ndarray
    pair_instances: np.ndarray
    capacity: np.ndarray
    gpus: np.ndarray  # per workload

    @property
    def n_workloads(self) -> int:
        return int(self.gpus.size)

    def args(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
        return (
            self.pair_w, self.pair_o, self.pair_cost, self.pair_instances, self.capacity,
            self.n_workloads,
        )  # fmt: skip


def make_instance(workloads: int, offers: int, seed: int) -> Instance:
    """The seeded instance described in the module docstring."""
    rng = np.random.default_rng(seed)
    level = 1.45 ** np.arange(ACCELERATORS)
    speed = 1.3 ** np.arange(ACCELERATORS)
    acc = rng.integers(0, ACCELERATORS, offers)
    gpi = rng.choice(np.array([1, 2, 4, 8]), offers)
    price = level[acc] * gpi * rng.uniform(0.7, 1.3, offers)
    gpus = np.clip(np.rint(2 ** rng.uniform(0, 6, workloads)), 1, 64).astype(np.int64)
    hours = rng.lognormal(np.log(50), 0.8, workloads)
    accept = rng.random((workloads, offers)) < 0.3
    accept[np.arange(workloads), rng.integers(0, offers, workloads)] = True
    pair_w, pair_o = np.nonzero(accept)
    del accept
    pair_w, pair_o = pair_w.astype(np.int32), pair_o.astype(np.int32)
    inst = -(-gpus[pair_w] // gpi[pair_o])
    cost = inst * price[pair_o] * hours[pair_w] / speed[acc[pair_o]]
    share = rng.dirichlet(np.ones(offers))
    capacity = np.maximum(np.floor(1.3 * gpus.sum() * share / gpi), 1.0)
    return Instance(pair_w, pair_o, cost, inst.astype(np.int32), capacity, gpus)


def timed_solve(
    inst: Instance,
    method: str,
    time_limit: float,
    gap: float,
    trace: bool = False,
    sample_from: int = SAMPLE_MIN,
) -> tuple[Any, float]:
    """The solve; its result and, with ``trace``, the Python-allocated peak in MiB (NaN
    without: tracemalloc slows the solver's Python loops, so timed runs go without it)."""
    if trace:
        tracemalloc.start()
    result = solve_assignment(
        *inst.args(), method=method, time_limit=time_limit, gap=gap,  # type: ignore[arg-type]
        sample_from=sample_from,
    )  # fmt: skip
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else float("nan")
    if trace:
        tracemalloc.stop()
    return result, peak


def references(inst: Instance) -> tuple[float, float, int, float]:
    """Greedy cheapest-first (cost, unplaced, seconds) and the baseline Σ_w min_p c_p."""
    start = time.perf_counter()
    choice = greedy_assignment(*inst.args(), order=np.argsort(-inst.gpus, kind="stable"))
    seconds = time.perf_counter() - start
    placed = choice >= 0
    greedy = float(inst.pair_cost[choice[placed]].sum())
    cheapest = np.full(inst.n_workloads, np.inf)
    np.minimum.at(cheapest, inst.pair_w, inst.pair_cost)
    return greedy, seconds, int((~placed).sum()), float(cheapest.sum())


def run(
    workloads: int,
    offers: int,
    seed: int,
    time_limit: float,
    gap: float,
    trace: bool,
    start_baseline: bool,
) -> None:
    inst = make_instance(workloads, offers, seed)
    print(
        f"\n{workloads:,} workloads x {offers:,} offers, seed {seed}: {inst.pair_w.size:,} pairs, "
        f"{inst.gpus.sum():,} GPUs demanded, {int(np.isfinite(inst.capacity).sum())} capacities"
    )
    result, peak = timed_solve(inst, "colgen", time_limit, gap, trace)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    greedy, greedy_s, unplaced, baseline = references(inst)
    print(f"colgen: {result.status}, {result.seconds:.1f} s, proven gap {result.gap:.3%}")
    print(
        f"  objective {result.objective:,.0f}, bound (full model) {result.bound:,.0f}, "
        f"{result.iterations} pricing rounds, {result.columns:,} columns"
    )
    print(f"  peak memory: tracemalloc {peak:,.0f} MiB; process maxrss {rss:,.0f} MiB")
    print(f"  notes: {'; '.join(result.notes)}")
    print(
        f"greedy cheapest-first: {greedy:,.0f} ({greedy_s:.1f} s, {unplaced} unplaced); "
        f"colgen / greedy = {result.objective / greedy:.4f}"
    )
    print(
        f"baseline (cheapest pair, capacity ignored): {baseline:,.0f}; "
        f"colgen / baseline = {result.objective / baseline:.4f}"
    )
    if start_baseline:
        old, _ = timed_solve(inst, "colgen", time_limit, gap, sample_from=workloads + 1)
        print(
            f"colgen from subgradient prices (no sample LP): {old.status}, {old.seconds:.1f} s, "
            f"proven gap {old.gap:.3%}; time ratio sampled / subgradient start = "
            f"{result.seconds / old.seconds:.3f}"
        )


def compare_small(workloads: int, offers: int, seed: int, time_limit: float) -> None:
    inst = make_instance(workloads, offers, seed)
    full, _ = timed_solve(inst, "milp", time_limit, 1e-6)
    dec, _ = timed_solve(inst, "colgen", time_limit, 0.005)
    print(f"\n{workloads:,} x {offers:,}, seed {seed}: {inst.pair_w.size:,} pairs")
    print(
        f"whole MILP: {full.status}, {full.seconds:.1f} s, objective {full.objective:,.0f}, "
        f"gap {full.gap:.3%}"
    )
    print(
        f"colgen: {dec.status}, {dec.seconds:.1f} s, objective {dec.objective:,.0f}, "
        f"proven gap {dec.gap:.3%}; colgen / whole MILP = "
        f"{dec.objective / full.objective:.5f}, time ratio {dec.seconds / full.seconds:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", type=int, default=10_000)
    parser.add_argument("--offers", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--small-workloads", type=int, default=1_000)
    parser.add_argument("--small-offers", type=int, default=200)
    parser.add_argument("--small-time-limit", type=float, default=120.0)
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also trace Python allocations (slower)"
    )
    parser.add_argument(
        "--no-start-baseline",
        action="store_true",
        help="skip the second solve started from subgradient prices instead of a sample's LP",
    )
    args = parser.parse_args()
    print(f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores")
    run(
        args.workloads, args.offers, args.seed, args.time_limit, args.gap, args.tracemalloc,
        not args.no_start_baseline,
    )  # fmt: skip
    if args.small_workloads:
        compare_small(args.small_workloads, args.small_offers, args.seed, args.small_time_limit)


if __name__ == "__main__":
    main()
