from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infracast.errors import EstimateError
from infracast.estimate.defaults import Defaults, load_defaults
from infracast.estimate.memory import (
    MAX_PIPELINE_STAGES,
    ActivationSettings,
    Architecture,
    Layout,
    ModelStates,
    activation_bytes,
    estimate_architecture,
    layout_for,
    memory_per_accelerator,
    minimum_layout,
    round_to_nodes,
    training_states,
    usable_bytes,
)

LLAMA_7B = Architecture(n_layers=32, d_model=4096, n_heads=32, estimated=False)
LLAMA_70B = Architecture(n_layers=80, d_model=8192, n_heads=64, estimated=False)
RECOMPUTE = ActivationSettings(
    seq_len=4096, micro_batch=1, recomputation=True, flash_attention=True
)
# 80 GiB less 10% headroom: 80 · 2^30 · 0.9 = 77,309,411,328 bytes
CAPACITY = usable_bytes(80, 0.10)


def test_architecture_follows_the_aspect_ratio_rule(defaults: Defaults) -> None:
    # d = (128 · 6,442,450,944 / 12)^(1/3) = 4096; layers = heads = 4096/128 = 32
    arch = estimate_architecture(12 * 4096**3 / 128, defaults)
    assert arch.d_model == pytest.approx(4096)
    assert (arch.n_layers, arch.n_heads, arch.estimated) == (32, 32, True)


def test_given_shape_wins(defaults: Defaults) -> None:
    arch = estimate_architecture(7e9, defaults, d_model=4096, n_layers=32, n_heads=32)
    assert arch == Architecture(32, 4096, 32, estimated=False)


@pytest.mark.parametrize(
    ("stage", "weights", "gradients", "optimizer", "total"),
    [
        # 7e9 params, 8-way data parallel:
        (0, 14e9, 14e9, 84e9, 112e9),  # 2 + 2 + 12 = 16 bytes/param, nothing sharded
        (1, 14e9, 14e9, 10.5e9, 38.5e9),  # optimizer 84/8
        (2, 14e9, 1.75e9, 10.5e9, 26.25e9),  # and gradients 14/8
        (3, 1.75e9, 1.75e9, 10.5e9, 14e9),  # and weights 14/8: 112/8 = 14 GB
    ],
)
def test_model_states_under_each_zero_stage(
    defaults: Defaults, stage: int, weights: float, gradients: float, optimizer: float, total: float
) -> None:
    mem = memory_per_accelerator(
        training_states(7e9, defaults), LLAMA_7B, RECOMPUTE, Layout(1, 1, 8), stage, CAPACITY,
        defaults,
    )  # fmt: skip
    assert (mem.weights, mem.gradients, mem.optimizer_states) == pytest.approx(
        (weights, gradients, optimizer)
    )
    assert mem.total - mem.activations == pytest.approx(total)


def test_activations_without_recomputation_korthikanti(defaults: Defaults) -> None:
    # s = 4096, b = 1, h = 4096, a = 32, L = 32, no FlashAttention:
    # per layer 34·s·b·h + 5·a·s²·b = 570,425,344 + 2,684,354,560 = 3,254,779,904 bytes
    # × 32 layers = 104,152,956,928 bytes
    act = ActivationSettings(4096, 1, recomputation=False, flash_attention=False)
    assert activation_bytes(LLAMA_7B, act, 1, defaults) == 104_152_956_928
    # with 8-way tensor + sequence parallelism, an eighth
    assert activation_bytes(LLAMA_7B, act, 8, defaults) == 104_152_956_928 / 8


def test_flash_attention_drops_the_attention_matrix(defaults: Defaults) -> None:
    # 34 · 4096 · 4096 = 570,425,344 bytes per layer × 32 = 18,253,611,008
    act = ActivationSettings(4096, 1, recomputation=False, flash_attention=True)
    assert activation_bytes(LLAMA_7B, act, 1, defaults) == 18_253_611_008


def test_full_recomputation_keeps_each_layers_input(defaults: Defaults) -> None:
    # kept 2·s·b·h = 33,554,432 bytes per layer × 32 = 1,073,741,824
    # + one layer recomputed at a time: 570,425,344 → 1,644,167,168 bytes
    assert activation_bytes(LLAMA_7B, RECOMPUTE, 1, defaults) == 1_644_167_168


def test_minimum_count_for_7b_with_zero_3(defaults: Defaults) -> None:
    # states 112e9 sharded, activations 1,644,167,168 each:
    # dp = ceil(112e9 / (77,309,411,328 − 1,644,167,168)) = ceil(1.48) = 2
    layout = minimum_layout(
        training_states(7e9, defaults), LLAMA_7B, RECOMPUTE, 3, CAPACITY, 8, defaults
    )
    assert layout == Layout(1, 1, 2)


def test_minimum_count_for_70b_with_zero_1(defaults: Defaults) -> None:
    # TP 8 × PP 2: weights + gradients 4 · 70e9 / 16 = 17.5e9, activations with TP 8:
    # 80 · 2·4096·8192/8 + 34·4096·8192/8 = 671,088,640 + 142,606,336 = 813,694,976;
    # optimizer 12 · 70e9 / 16 = 52.5e9 ≤ 77.309e9 − 18.314e9: data parallel 1 → 16 GPUs.
    # (TP 8 alone: optimizer 105e9 needs ceil(105 / 41.50) = 3 replicas → 24 GPUs.)
    layout = minimum_layout(
        training_states(70e9, defaults), LLAMA_70B, RECOMPUTE, 1, CAPACITY, 8, defaults
    )
    assert layout == Layout(8, 2, 1)


def test_minimum_count_is_the_fewest_that_fit_by_brute_force(defaults: Defaults) -> None:
    states = training_states(70e9, defaults)
    for stage in (0, 1, 2, 3):
        best = minimum_layout(states, LLAMA_70B, RECOMPUTE, stage, CAPACITY, 8, defaults)
        fits = [
            n
            for n in range(1, best.accelerators + 1)
            if layout_for(n, states, LLAMA_70B, RECOMPUTE, stage, CAPACITY, 8, defaults)
        ]
        assert fits[0] == best.accelerators, stage


def test_a_model_that_cannot_fit_says_what_to_change(defaults: Defaults) -> None:
    no_recompute = ActivationSettings(32768, 8, recomputation=False, flash_attention=False)
    with pytest.raises(EstimateError, match="does not fit") as err:
        minimum_layout(training_states(70e9, defaults), LLAMA_70B, no_recompute, 3, CAPACITY, 8,
                       defaults)  # fmt: skip
    assert "recomputation" in str(err.value)


@given(
    params=st.floats(1e8, 1e12),
    tensor=st.sampled_from([1, 2, 4, 8]),
    pipeline=st.integers(1, 16),
    data=st.integers(1, 4096),
    stage=st.integers(0, 2),
)
def test_memory_never_grows_with_the_zero_stage(
    params: float, tensor: int, pipeline: int, data: int, stage: int
) -> None:
    defaults = load_defaults()
    states = training_states(params, defaults)
    layout = Layout(tensor, pipeline, data)

    def total(z: int) -> float:
        mem = memory_per_accelerator(states, LLAMA_7B, RECOMPUTE, layout, z, CAPACITY, defaults)
        return mem.total

    assert total(stage + 1) <= total(stage)


@pytest.mark.parametrize(
    ("count", "rounded"), [(1, 1), (3, 4), (5, 8), (8, 8), (9, 16), (17, 24), (440, 440)]
)
def test_counts_round_to_powers_of_two_then_whole_nodes(count: int, rounded: int) -> None:
    assert round_to_nodes(count, 8) == rounded


class _Counted:
    """memory_per_accelerator that counts its calls and stops a search that runs away."""

    def __init__(self, limit: int) -> None:
        self.calls, self.limit = 0, limit

    def __call__(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        if self.calls > self.limit:
            raise AssertionError(f"the layout search made more than {self.limit} evaluations")
        return memory_per_accelerator(*args, **kwargs)  # type: ignore[arg-type]


# A billion layers: a search over every pipeline degree up to the layers never ends.
DEEP = Architecture(n_layers=10**9, d_model=4096, n_heads=32, estimated=False)
NO_RECOMPUTE = ActivationSettings(4096, 1, recomputation=False, flash_attention=True)


@pytest.mark.parametrize("act", [RECOMPUTE, NO_RECOMPUTE])
def test_the_minimum_layout_search_is_bounded_whatever_the_layers(
    defaults: Defaults, monkeypatch: pytest.MonkeyPatch, act: ActivationSettings
) -> None:
    counted = _Counted(limit=4 * (4 + MAX_PIPELINE_STAGES))
    monkeypatch.setattr("infracast.estimate.memory.memory_per_accelerator", counted)
    with pytest.raises(EstimateError, match=f"{MAX_PIPELINE_STAGES}-way pipeline"):
        # a billion layers' activations fill any accelerator: nothing fits, and it says so
        minimum_layout(training_states(7e12, defaults), DEEP, act, 1, CAPACITY, 8, defaults)


def test_the_search_for_a_count_stops_at_the_count(
    defaults: Defaults, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = _Counted(limit=20)
    monkeypatch.setattr("infracast.estimate.memory.memory_per_accelerator", counted)
    # 16 accelerators: shapes (1,1) (2,1) (4,1) (8,1) (8,2) divide it; (8,3) already exceeds it
    layout_for(16, training_states(7e9, defaults), DEEP, RECOMPUTE, 1, CAPACITY, 8, defaults)
    assert counted.calls <= 5


def _brute_force_minimum(
    states: ModelStates, arch: Architecture, act: ActivationSettings, stage: int, capacity: float
) -> Layout | None:
    """Every (tensor, pipeline) shape up to the layers, without pruning, each with the least
    data degree that fits (found by bisection: memory never grows with the data degree)."""
    defaults = load_defaults()

    def fits(layout: Layout) -> bool:
        mem = memory_per_accelerator(states, arch, act, layout, stage, capacity, defaults)
        return mem.total <= capacity

    shapes = [(t, 1) for t in (1, 2, 4)] + [(8, p) for p in range(1, arch.n_layers + 1)]
    found = []
    for tensor, pipeline in shapes:
        low, high = 1, 2**40
        if not fits(Layout(tensor, pipeline, high)):
            continue
        while low < high:
            mid = (low + high) // 2
            low, high = (low, mid) if fits(Layout(tensor, pipeline, mid)) else (mid + 1, high)
        found.append(Layout(tensor, pipeline, low))
    return min(found, key=lambda x: (x.accelerators, x.pipeline, x.tensor), default=None)


@settings(max_examples=60, deadline=None)
@given(
    params=st.floats(1e9, 2e12),
    stage=st.integers(0, 3),
    capacity_gib=st.sampled_from([16, 40, 80, 141]),
)
def test_the_pruned_search_finds_the_brute_force_minimum(
    params: float, stage: int, capacity_gib: int
) -> None:
    defaults = load_defaults()
    arch = estimate_architecture(params, defaults)
    states = training_states(params, defaults)
    capacity = usable_bytes(capacity_gib, 0.10)
    expected = _brute_force_minimum(states, arch, RECOMPUTE, stage, capacity)
    try:
        found = minimum_layout(states, arch, RECOMPUTE, stage, capacity, 8, defaults)
    except EstimateError:
        found = None
    assert found == expected
