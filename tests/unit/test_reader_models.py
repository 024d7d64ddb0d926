"""Reader models by name: parts assembled once from installed packages, a clear error naming a
missing package; and the GPU bench's CPU smoke path and its no-CUDA message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kgqa.errors import ConfigError, ModelError
from kgqa.reader import models
from kgqa.reader.models import ReaderModel, model_file

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def parted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ReaderModel:
    """Three packages on sys.path, each holding one part of a 'GGUF' under data/."""
    site = tmp_path / "site"
    for i, payload in enumerate([b"GGUF", b"-middle-", b"end"], start=1):
        data = site / f"fakemodel_part{i}" / "data"
        data.mkdir(parents=True)
        (data.parent / "__init__.py").write_text("")
        (data / f"part{i:02d}.bin").write_bytes(payload)
    monkeypatch.syspath_prepend(str(site))
    model = ReaderModel(
        "fake", "a fake", ("fakemodel-part1", "fakemodel-part2", "fakemodel-part3"), "fake.gguf"
    )
    monkeypatch.setitem(models.MODELS, "fake", model)
    return model


def test_parts_are_assembled_once_in_order(parted: ReaderModel, tmp_path: Path) -> None:
    path = model_file("fake", tmp_path / "data")
    assert path == tmp_path / "data" / "models" / "fake.gguf"
    assert path.read_bytes() == b"GGUF-middle-end"
    stamp = path.stat().st_mtime_ns
    assert model_file("fake", tmp_path / "data").stat().st_mtime_ns == stamp


def test_a_missing_part_names_its_package(
    parted: ReaderModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = ReaderModel("broken", "", ("fakemodel-part1", "fakemodel-part9"), "b.gguf")
    monkeypatch.setitem(models.MODELS, "broken", broken)
    with pytest.raises(ModelError, match="pip install fakemodel-part9"):
        model_file("broken", tmp_path)


def test_an_unknown_model_name_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="smollm2-135m"):
        model_file("gpt-9", tmp_path)


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "bench" / "reader_gpu.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


@pytest.mark.slow
def test_gpu_bench_smoke_run_on_cpu_prints_one_json_line_per_batch() -> None:
    done = _bench(
        "--device",
        "cpu",
        "--tiny",
        "--batches",
        "1,3",
        "--prompt-tokens",
        "16",
        "--new-tokens",
        "4",
        "--repeats",
        "1",
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["batch"] for r in lines] == [1, 3]
    assert all(r["tokens_per_s"] > 0 and r["ttft_ms"] > 0 for r in lines)
    assert lines[1]["new_tokens"] == 4 and lines[0]["device"] == "cpu"


def test_gpu_bench_without_cuda_says_so_and_exits_non_zero() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    done = _bench("--batches", "1")
    assert done.returncode == 2
    assert "no CUDA device" in done.stderr and "Traceback" not in done.stderr


def test_the_default_reader_is_extractive_and_a_model_backend_still_builds(tmp_path: Path) -> None:
    from kgqa.reader.extractive import ExtractiveReader
    from kgqa.reader.factory import build_reader
    from kgqa.reader.llamacpp import LlamaCppReader
    from kgqa.settings import ReaderSettings

    assert isinstance(build_reader(ReaderSettings(), tmp_path), ExtractiveReader)
    gguf = tmp_path / "model.gguf"  # not loaded: building a reader loads nothing
    built = build_reader(ReaderSettings(backend="llamacpp", model_path=gguf), tmp_path)
    assert isinstance(built, LlamaCppReader)
