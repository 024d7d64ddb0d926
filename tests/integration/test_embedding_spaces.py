"""A question and whatever it is compared with are embedded by the same model.

MiniLM (English) and multilingual e5 (Chinese) are both 384-d, so mixing them fails silently:
until issue 18 the predicates of a Chinese question's facts were embedded by the English model
and their cosines with the question meant nothing. Two fake embedders of one width, each
recording what it embedded, show which model saw which text, on both graph backends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from kgqa.api import KGQA
from kgqa.domain import Chunk, Document, Entity, GraphBatch, Mention, Relation
from kgqa.embedding.factory import Embedders
from kgqa.settings import ModelSettings, Settings
from kgqa.wiring import Components, build_components
from tests.neo4j_fixture import graph_settings

pytestmark = pytest.mark.integration

DIM = 8
TEXT = "居里夫人出生于华沙。"
PREDICATE = "出生于"


class RecordingEmbedder:
    """Deterministic unit vectors from a hash of (model, text); remembers every text."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.dim = DIM
        self.seen: list[str] = []

    def warm_up(self) -> None:
        pass

    def embed(self, texts: Sequence[str], kind: str) -> np.ndarray:
        self.seen += list(texts)
        rows = []
        for text in texts:
            seed = hashlib.sha256(f"{self.name}|{text}".encode()).digest()
            vector = np.random.default_rng(list(seed)).standard_normal(DIM)
            rows.append(vector / np.linalg.norm(vector))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), DIM)


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def setup(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Components, dict[str, RecordingEmbedder]]]:
    fakes = {name: RecordingEmbedder(name) for name in ("fake-en", "fake-zh")}
    models = ModelSettings(embedder="fake-en", embedder_multilingual="fake-zh")
    settings = Settings(data_dir=tmp_path / "data", graph=graph_settings(request), models=models)
    embedders = Embedders(models, build=lambda model, _: fakes[model])
    parts = build_components(settings, embedders)
    chunk = Chunk("zh#0", "zh", 0, TEXT, 0, len(TEXT))
    parts.store.write(
        GraphBatch(
            documents=[Document("zh", "", title="居里夫人", lang="zh", content_hash="h")],
            chunks=[chunk],
            entities=[Entity("E1", "居里夫人", "PERSON"), Entity("E2", "华沙", "GPE")],
            mentions=[
                Mention("E1", chunk.id, "zh", 0, 4, "居里夫人", "PERSON"),
                Mention("E2", chunk.id, "zh", 7, 9, "华沙", "GPE"),
            ],
            relations=[Relation("E1", PREDICATE, "E2", "syntactic", "zh", chunk.id, 0, 9)],
        )
    )
    yield parts, fakes
    parts.close()


def test_building_the_components_embeds_nothing(setup) -> None:
    _, fakes = setup
    assert fakes["fake-en"].seen == [] and fakes["fake-zh"].seen == []


def test_a_chinese_questions_predicates_are_embedded_by_its_own_model(setup) -> None:
    parts, fakes = setup
    evidence = KGQA(parts).retrieve("居里夫人出生在哪里？")
    [fact] = [f for f in evidence.facts if f.predicate == PREDICATE]
    assert "居里夫人出生在哪里？" in fakes["fake-zh"].seen
    assert PREDICATE in fakes["fake-zh"].seen
    # Nothing of a Chinese question reaches the English model.
    assert fakes["fake-en"].seen == []
    # The fact's score is the cosine in the Chinese space: 0.5 + cos, times the support bonus.
    zh = fakes["fake-zh"]
    cos = float(zh.embed(["居里夫人出生在哪里？"], "query")[0] @ zh.embed([PREDICATE], "query")[0])
    assert fact.score == pytest.approx((0.5 + cos) * (1 + 0.1 * np.log1p(1)), abs=1e-5)


def test_an_english_question_stays_in_the_english_space(setup) -> None:
    parts, fakes = setup
    KGQA(parts).retrieve("Where was Marie Curie born?")
    assert fakes["fake-zh"].seen == []
    assert "Where was Marie Curie born?" in fakes["fake-en"].seen
