from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kgqa.vectors.base import VectorIndexError
from kgqa.vectors.faiss import FaissVectorIndex
from kgqa.vectors.registry import VectorIndexes


def unit(*rows: list[float]) -> np.ndarray:
    a = np.asarray(rows, dtype=np.float32)
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def test_add_search_replace_remove(tmp_path: Path) -> None:
    index = FaissVectorIndex.open(tmp_path / "p.faiss", dim=2)
    index.add(["a", "b"], unit([1, 0], [0, 1]))
    [[(best, score), _]] = index.search(unit([1, 0.1]), k=2)
    assert best == "a" and score == pytest.approx(0.995, abs=1e-3)
    index.add(["a"], unit([0, 1]))  # replacing keeps one vector per id
    assert len(index) == 2
    assert index.search(unit([1, 0]), k=1)[0][0][1] == pytest.approx(0.0, abs=1e-6)
    assert index.remove(["a", "zzz"]) == 1
    assert index.ids() == ["b"] and "a" not in index
    assert index.search(unit([1, 0]), k=5) == [[("b", pytest.approx(0.0, abs=1e-6))]]


def test_similarities_of_chosen_ids_survive_a_replace_and_a_reload(tmp_path: Path) -> None:
    index = FaissVectorIndex.open(tmp_path / "p.faiss", dim=2)
    index.add(["a", "b", "c"], unit([1, 0], [0, 1], [1, 1]))
    index.add(["b"], unit([1, 0]))
    index.save()
    again = FaissVectorIndex.open(tmp_path / "p.faiss", dim=2)
    sims = again.similarities(unit([1, 0])[0], ["b", "c", "missing"])
    assert set(sims) == {"b", "c"}
    assert sims["b"] == pytest.approx(1.0) and sims["c"] == pytest.approx(0.7071, abs=1e-4)


def test_save_load_round_trip_and_dim_check(tmp_path: Path) -> None:
    path = tmp_path / "p.faiss"
    index = FaissVectorIndex.open(path, dim=2)
    index.add(["x", "y", "z"], unit([1, 0], [0, 1], [1, 1]))
    index.remove(["y"])
    index.save()
    again = FaissVectorIndex.open(path, dim=2)
    assert sorted(again.ids()) == ["x", "z"]
    assert again.search(unit([1, 1]), k=1)[0][0][0] == "z"
    again.add(["w"], unit([1, 0]))  # labels keep counting after a reload
    assert sorted(again.ids()) == ["w", "x", "z"]
    with pytest.raises(VectorIndexError, match="dim 2"):
        FaissVectorIndex.open(path, dim=3)


def test_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "p.faiss"
    path.write_bytes(b"garbage" * 10)
    with pytest.raises(VectorIndexError, match="corrupt"):
        FaissVectorIndex.open(path, dim=2)


def test_a_failed_save_leaves_the_previous_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.faiss"
    index = FaissVectorIndex.open(path, dim=2)
    index.add(["x"], unit([1, 0]))
    index.save()
    before = path.read_bytes()
    index.add(["y"], unit([0, 1]))

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kgqa.atomic_file.os.replace", crash)
    with pytest.raises(OSError):
        index.save()
    assert path.read_bytes() == before
    assert FaissVectorIndex.open(path, dim=2).ids() == ["x"]


def test_registry_finds_indexes_on_disk(tmp_path: Path) -> None:
    first = VectorIndexes(tmp_path)
    first.passages("m", 2).add(["c#0"], unit([1, 0]))
    first.entities("m", 2).add(["E1", "E2"], unit([1, 0], [0, 1]))
    first.save_all()
    second = VectorIndexes(tmp_path)
    assert second.counts() == {"entities.m": 2, "passages.m": 1}
    assert [len(ix) for ix in second.all_passage_indexes()] == [1]


def test_index_file_names_stay_inside_the_directory_and_apart(tmp_path):
    from kgqa.vectors.registry import index_file_name

    assert index_file_name("passages", "all-MiniLM-L6-v2") == "passages.all-MiniLM-L6-v2.faiss"
    odd = ["/models/e5", "../../etc/x", "models/e5", "a b:c", ""]
    names = {index_file_name("passages", e) for e in odd}
    assert len(names) == len(odd)
    for name in names:
        assert "/" not in name and ".." not in name and name.startswith("passages.")
    indexes = VectorIndexes(tmp_path)
    index = indexes.passages("/models/e5", 4)
    index.add(["a"], np.ones((1, 4), dtype=np.float32))
    indexes.save_all()
    assert [p.parent for p in tmp_path.iterdir()] == [tmp_path]
    assert VectorIndexes(tmp_path).counts() == {index_file_name("passages", "/models/e5")[:-6]: 1}
