"""The one name spelt into Cypher DDL (a vector index's property) comes from the embedder's
name: whatever that name holds, the identifier is plain lower-case alphanumeric."""

from __future__ import annotations

import re

import pytest

from kgqa.vectors.base import VectorIndexError
from kgqa.vectors.neo4j import _identifiers

NAMES = [
    "all-MiniLM-L6-v2",
    "sentence-transformers/all-MiniLM-L6-v2",
    "x`) DETACH DELETE n //",
    "中文模型",
    "",
    "a" * 500,
]


@pytest.mark.parametrize("name", NAMES)
def test_identifiers_are_plain_whatever_the_name(name: str) -> None:
    index, prop = _identifiers("passages", name)
    for ident in (index, prop):
        assert re.fullmatch(r"[a-z][a-z0-9_]{0,95}", ident), ident


def test_names_that_fold_alike_get_different_identifiers() -> None:
    assert _identifiers("passages", "Model-A") != _identifiers("passages", "model_a")
    assert _identifiers("passages", "m") != _identifiers("entities", "m")


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(VectorIndexError, match="unknown vector kind"):
        _identifiers("chunks) DETACH DELETE (n", "m")
