"""The labelled precision fixture (tests/fixtures/fact_precision.jsonl) against today's extractor.

The fixture holds relations sampled from stores of 2Wiki passages and judged by hand against
their source sentence (its header says how). Re-extracting the sampled passages must keep the
labelled precision of what it still produces at or above the target, and still produce most of
the relations labelled correct.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.extract.spacy_en import SpacyEntityExtractor
from ingest.resolve import EntityResolver
from kgqa.domain import Chunk
from kgqa.evaluation.facts import DEFAULT_LABELS, load_labels
from kgqa.names import normalize_name

pytestmark = pytest.mark.integration

TARGET_PRECISION = 0.90  # issue 20
# Share of the "after" sample's correct relations that re-extraction must still find: the
# sample came from a store whose passages were chunked and resolved with the store; here each
# passage is one chunk and the resolver has no store, so a few differ.
MIN_KEPT = 0.85


def _rows() -> list[dict]:
    lines = DEFAULT_LABELS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_fixture_is_well_formed() -> None:
    rows = _rows()
    assert "header" in rows[0] and "how" in rows[0]["header"]
    labels = load_labels(DEFAULT_LABELS)
    after = [label for label in labels if label.drawn_from == "after"]
    assert len(after) == 200
    assert all(r["sentence"] and r["title"] for r in rows[1:])
    assert sum(label.correct for label in after) / len(after) >= TARGET_PRECISION


def test_reextraction_keeps_precision(shared_data: Path) -> None:
    passages = {
        p["title"]: p["text"]
        for p in json.loads((shared_data / "2wiki" / "corpus.json").read_text(encoding="utf-8"))
    }
    rows = [r for r in _rows()[1:] if r.get("drawn_from") == "after"]
    titles = sorted({r["title"] for r in rows})
    chunks = [Chunk(f"{t}#0", t, 0, passages[t], 0, len(passages[t])) for t in titles]
    extractions = SpacyEntityExtractor().extract(chunks, {t: t for t in titles})
    resolved = EntityResolver().resolve(extractions)
    names = {e.id: e.name for e in resolved.entities}
    found = {
        (normalize_name(names[r.subject_id]), r.predicate, normalize_name(names[r.object_id]))
        for r in resolved.relations
        if r.kind == "syntactic"
    }
    labels = {
        (normalize_name(r["subject"]), r["predicate"], normalize_name(r["object"])): r["label"]
        for r in rows
    }
    judged = [labels[k] for k in found if k in labels]
    correct = [k for k, v in labels.items() if v == "correct"]
    assert judged, "no labelled relation was extracted again"
    assert judged.count("correct") / len(judged) >= TARGET_PRECISION
    assert sum(k in found for k in correct) / len(correct) >= MIN_KEPT
