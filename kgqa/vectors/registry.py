"""The vector indexes of one store: passages, entity names and the passages' sentences, one of
each per embedder."""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from kgqa.vectors.faiss import FaissVectorIndex


class VectorIndexes:
    """FAISS files in ``directory``; saved at checkpoints, so not ``transactional``."""

    transactional = False

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._open: dict[str, FaissVectorIndex] = {}
        self._lock = threading.Lock()

    def passages(self, embedder: str, dim: int) -> FaissVectorIndex:
        return self._get(index_file_name("passages", embedder), dim)

    def entities(self, embedder: str, dim: int) -> FaissVectorIndex:
        return self._get(index_file_name("entities", embedder), dim)

    def sentences(self, embedder: str, dim: int) -> FaissVectorIndex:
        return self._get(index_file_name("sentences", embedder), dim)

    def _get(self, name: str, dim: int) -> FaissVectorIndex:
        with self._lock:
            index = self._open.get(name)
            if index is None:
                index = self._open[name] = FaissVectorIndex.open(self.directory / name, dim)
            return index

    def all_passage_indexes(self) -> list[FaissVectorIndex]:
        return self._all("passages.")

    def all_entity_indexes(self) -> list[FaissVectorIndex]:
        return self._all("entities.")

    def all_sentence_indexes(self) -> list[FaissVectorIndex]:
        return self._all("sentences.")

    def _all(self, prefix: str) -> list[FaissVectorIndex]:
        """Every index of a kind, including ones on disk this process has not opened yet."""
        for path in sorted(self.directory.glob(f"{prefix}*.faiss")):
            if path.name not in self._open:
                dim = _dim_of(path)
                self._get(path.name, dim)
        with self._lock:
            return [ix for name, ix in sorted(self._open.items()) if name.startswith(prefix)]

    def counts(self) -> dict[str, int]:
        self.all_passage_indexes()
        self.all_entity_indexes()
        self.all_sentence_indexes()
        with self._lock:
            return {name.removesuffix(".faiss"): len(ix) for name, ix in sorted(self._open.items())}

    def save_all(self) -> None:
        with self._lock:
            indexes = list(self._open.values())
        for index in indexes:
            index.save()


_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def index_file_name(kind: str, embedder: str) -> str:
    """The index file of ``kind`` for ``embedder``: the embedder's name as it is when that is a
    safe file name (every shipped embedder's is, so existing stores keep their files), else
    its safe characters plus a hash of the whole name, so a name that is a path
    ("/models/e5", "../x") or holds odd characters neither escapes the directory nor collides."""
    if _SAFE_NAME.fullmatch(embedder) and ".." not in embedder:
        return f"{kind}.{embedder}.faiss"
    readable = re.sub(r"[^A-Za-z0-9_-]+", "_", embedder).strip("_")[:60] or "embedder"
    digest = hashlib.sha256(embedder.encode()).hexdigest()[:12]
    return f"{kind}.{readable}-{digest}.faiss"


def _dim_of(path: Path) -> int:
    import json
    import struct

    with path.open("rb") as f:
        head = f.read(16)
        (size,) = struct.unpack("<Q", head[8:16])
        return int(json.loads(f.read(size))["dim"])
