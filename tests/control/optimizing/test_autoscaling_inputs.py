"""Reading demand traces and building the serving configuration
(infracast.control.optimizing.autoscaling_inputs)."""

from __future__ import annotations

import gzip
import io
import tarfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from infracast.control.optimizing import autoscaling
from infracast.control.optimizing.autoscaling_inputs import read_trace
from infracast.errors import ConfigError, InputFileError
from tests.conftest import shared_path

AZURE = """TIMESTAMP,ContextTokens,GeneratedTokens
2023-11-16 18:17:03.9799600,100,10
2023-11-16 18:17:30.0000000,300,30
2023-11-16 18:19:59.5000000,200,20
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_generic_trace_sums_amounts_per_interval(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "timestamp,demand\n2026-01-01T00:00:10,30\n"
                 "2026-01-01T00:00:50,30\n2026-01-01T00:02:00,120\n")  # fmt: skip
    read = read_trace(path, interval=60)
    # 00:00 holds 30 + 30 = 60 → 1/s; 00:01 nothing → 0; 00:02 120 → 2/s
    assert read.format == "demand"
    assert read.trace.rate.tolist() == [1.0, 0.0, 2.0]
    assert read.trace.start == datetime(2026, 1, 1)


def test_epoch_seconds_are_read_as_times(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "timestamp,demand\n120,6\n185,12\n")
    # intervals start at multiples of 60 s since 1970: 120 → [120, 180), 185 → [180, 240)
    assert read_trace(path, interval=60).trace.rate.tolist() == [0.1, 0.2]


def test_a_rate_series_is_held_until_its_next_sample(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "timestamp,rate\n0,2\n30,4\n90,1\n")
    # [0, 60): 2 for 30 s + 4 for 30 s = 180 → 3/s; [60, 120): 4 for 30 s + 1 for 30 s → 2.5/s
    assert read_trace(path, interval=60).trace.rate.tolist() == [3.0, 2.5]


def test_the_azure_trace_counts_requests_or_tokens(tmp_path: Path) -> None:
    path = write(tmp_path, "azure.csv", AZURE)
    requests = read_trace(path, interval=60)
    # 18:17 has two requests, 18:18 none, 18:19 one: 2/60, 0, 1/60 per second
    assert requests.format == "azure_llm"
    assert requests.trace.rate * 60 == pytest.approx([2, 0, 1])
    # tokens: 110 + 330 = 440, 0, 220; mean tokens in 200, out 20
    tokens = read_trace(path, interval=60, unit="tokens")
    assert tokens.trace.rate * 60 == pytest.approx([440, 0, 220])
    assert (tokens.mean_input_tokens, tokens.mean_output_tokens) == (200, 20)


def test_a_gzip_and_a_tar_gz_of_one_csv_are_read(tmp_path: Path) -> None:
    data = AZURE.encode()
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(data))
    with tarfile.open(tmp_path / "a.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("a.csv")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    for name in ("a.csv.gz", "a.tar.gz"):
        assert read_trace(tmp_path / name).trace.rate * 60 == pytest.approx([2, 0, 1])


def test_the_qps_trace_sums_containers_held_between_their_samples(tmp_path: Path) -> None:
    text = "timestamp_anon,value,container_ip,request_type\n"
    text += "0,1,a,Generative Requests\n60,1,a,Generative Requests\n120,1,a,Generative Requests\n"
    text += "0,2,b,Generative Requests\n60,2,b,Generative Requests\n0,9,,API Requests\n"
    read = read_trace(write(tmp_path, "qps.csv", text), interval=60)
    # median gap 60 s; a holds 1 over [0, 180), b holds 2 over [0, 120) (its last: one gap)
    assert read.trace.rate.tolist() == [3.0, 3.0, 1.0]
    api = read_trace(tmp_path / "qps.csv", interval=60, request_type="API Requests")
    assert api.trace.rate.tolist() == [9.0]
    with pytest.raises(ConfigError, match="no request type"):
        read_trace(tmp_path / "qps.csv", request_type="Other")
    with pytest.raises(ConfigError, match="no token counts"):
        read_trace(tmp_path / "qps.csv", unit="tokens")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("timestamp,demand\n", "no rows"),
        ("time,demand\n1,2\n", "no timestamp column"),
        ("timestamp,load\n1,2\n", "no demand \\(or rate\\) column"),
        ("timestamp,demand\n1,2\n2,lots\n", "row 3: demand is 'lots', not a number"),
        ("timestamp,demand\n1,-2\n", "row 2: demand is '-2'"),
        ("timestamp,demand\nyesterday,2\n", "row 2: timestamp is 'yesterday', not a time"),
    ],
)
def test_a_bad_trace_is_refused_with_where_and_how(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputFileError, match=message) as caught:
        read_trace(write(tmp_path, "bad.csv", text))
    assert caught.value.hint


def test_a_missing_file_and_a_bad_interval_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_trace(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="no such file"):
        read_trace(tmp_path / "nope.tar.gz")
    with pytest.raises(ConfigError, match="must be positive"):
        read_trace(write(tmp_path, "d.csv", "timestamp,demand\n1,1\n"), interval=0)


def test_autoscaling_with_a_given_replica(tmp_path: Path) -> None:
    lines = "".join(f"{60 * i},{60 * v}\n" for i, v in enumerate([10, 10, 30, 30, 10, 10, 10, 10]))
    path = write(tmp_path, "d.csv", "timestamp,demand\n" + lines)
    advice = autoscaling(
        path, replica_throughput=10, price_per_hour=3, startup_seconds=60,
        target_utilization=1.0, cooldown_seconds=120,
    )  # fmt: skip
    # the hand-computed reactive case of tests/optimize/test_autoscaling.py: cost 16 × 0.05
    assert advice.result.outcome("reactive").cost == pytest.approx(0.8)
    assert advice.result.outcome("static_peak").cost == pytest.approx(1.2)
    assert advice.to_dict()["serving"]["source"] == "given"
    assert advice.to_dict()["policies"][0]["policy"] == "static_peak"


def test_autoscaling_needs_a_replica_and_valid_settings(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "timestamp,demand\n0,1\n")
    with pytest.raises(ConfigError, match="no serving configuration"):
        autoscaling(path)
    with pytest.raises(ConfigError, match="without its price"):
        autoscaling(path, replica_throughput=10)
    with pytest.raises(ConfigError, match="target_utilization"):
        autoscaling(path, replica_throughput=10, price_per_hour=1, target_utilization=1.5)
    with pytest.raises(ConfigError, match="tokens per request"):
        autoscaling(path, params="8B", accelerator="H100")


def test_the_inference_estimate_gives_the_replica_in_tokens(tmp_path: Path) -> None:
    path = write(tmp_path, "azure.csv", AZURE)
    req = autoscaling(path, params="8B", accelerator="H100", price_per_hour=2)
    tok = autoscaling(path, params="8B", accelerator="H100", price_per_hour=2, unit="tokens")
    # the trace's means, 200 in and 20 out: a token replica serves 220 × the request rate
    serving = req.serving
    assert (serving["input_tokens"], serving["output_tokens"]) == (200, 20)
    assert tok.serving["replica_throughput"] == pytest.approx(220 * serving["replica_throughput"])
    assert serving["price_per_replica_hour"] == 2 and serving["accelerators_per_replica"] >= 1


def test_the_price_book_prices_the_replica(tmp_path: Path) -> None:
    path = write(tmp_path, "azure.csv", AZURE)
    advice = autoscaling(path, params="8B", accelerator="H100")
    s = advice.serving
    assert s["price_per_replica_hour"] > 0 and "on demand" in s["price_source"]
    assert any("the inference estimate" in a for a in advice.assumptions)


@pytest.mark.shared
def test_the_real_azure_conversation_trace_matches_its_readme() -> None:
    path = shared_path("traces", "azure_llm_inference_2023", "AzureLLMInferenceTrace_conv.csv")
    read = read_trace(path, interval=60)
    # README: 19,366 requests, 322.8 a minute on average over 1-minute bins
    assert read.rows == 19_366
    assert float(read.trace.rate.sum() * 60) == pytest.approx(19_366)
    assert float(read.trace.rate.mean() * 60) == pytest.approx(322.8, abs=0.5)


@pytest.mark.shared
def test_the_real_qps_archive_is_read() -> None:
    path = shared_path("traces", "alibaba_genai_v2026", "qps.tar.gz")
    read = read_trace(path, interval=300)
    # README: 22.3 h of samples; peak 9.99 summed per minute (the naive sum misses containers)
    assert read.trace.rate.size == pytest.approx(22.3 * 12, abs=2)
    assert 2.0 < float(np.mean(read.trace.rate)) < 10.0
