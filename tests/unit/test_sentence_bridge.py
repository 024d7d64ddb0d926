"""The sentence bridge (kgqa.retrieval.bridge) on a hand-made graph: which entities the
first-round sentences lead to, and which chunks they bring."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kgqa.domain import Chunk, Entity
from kgqa.retrieval.bridge import SentenceBridging, names_in, sentences
from kgqa.retrieval.linking import LinkedEntity
from kgqa.retrieval.query import Query

_WORDS = "novel published publisher radio based columbus born city grace ohio song river".split()


def _vector(text: str) -> np.ndarray:
    """Bag of the words above, unit length: sentences sharing words with the question score."""
    lowered = text.lower()
    v = np.array([float(w in lowered) for w in _WORDS]) + 1e-3
    return v / np.linalg.norm(v)


class _Space:
    def texts(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([_vector(t) for t in texts])


class _Store:
    """The five reads the bridge makes; the real stores are tested by the contract suite."""

    def __init__(self) -> None:
        self.entities = {
            "grace": Entity("grace", "Grace Krilanovich", "PERSON"),
            "radio": Entity("radio", "Two Dollar Radio", "ORG", aliases=["Two Dollar"]),
            "river": Entity("river", "Snake River", "LOC"),
            "year": Entity("year", "2010", "DATE"),
            "columbus": Entity("columbus", "Columbus", "GPE"),
        }
        self.chunks = {
            "c1": Chunk(
                "c1",
                "d1",
                0,
                "Grace Krilanovich is a writer. Her first novel was published by Two Dollar Radio"
                " in 2010. She grew up near the Snake River.",
                0,
                120,
            ),
            "c2": Chunk("c2", "d2", 0, "Two Dollar Radio is a publisher based in Columbus.", 0, 50),
            "c3": Chunk("c3", "d3", 0, "The Snake River is a river.", 0, 27),
            "c4": Chunk("c4", "d4", 0, "Columbus is a city in Ohio.", 0, 27),
        }
        self.mentions = {
            "c1": ["grace", "radio", "river", "year"],
            "c2": ["columbus", "radio"],
            "c3": ["river"],
            "c4": ["columbus"],
        }
        self.pages = {"radio": ["c2"], "river": ["c3"], "columbus": ["c4"]}

    def chunk_entities(self, chunk_ids):
        return {c: self.mentions[c] for c in chunk_ids if c in self.mentions}

    def get_entities(self, ids):
        return [self.entities[i] for i in ids if i in self.entities]

    def get_chunks(self, ids):
        return [self.chunks[i] for i in ids if i in self.chunks]

    def topic_chunks(self, ids):
        return {e: self.pages[e] for e in ids if e in self.pages}

    def entity_chunk_edges(self, ids=None):
        return sorted((e, c, 1) for c, es in self.mentions.items() for e in es if e in ids)


class _Dense:
    def __init__(self, store: _Store) -> None:
        self._store = store

    def similarities(self, query, chunk_ids):
        return {c: float(query.vector @ _vector(self._store.chunks[c].text)) for c in chunk_ids}


def _bridging() -> SentenceBridging:
    store = _Store()
    return SentenceBridging(store, _Dense(store))  # type: ignore[arg-type]


def _query(text: str) -> Query:
    return Query(text, _Space(), _vector(text))  # type: ignore[arg-type]


def _linked(store_entity: Entity) -> list[LinkedEntity]:
    return [LinkedEntity(store_entity, 0.9, store_entity.name, "exact")]


def test_the_sentence_closest_to_the_question_names_the_bridge() -> None:
    q = _query("Where is the publisher of Grace Krilanovich's first novel based?")
    grace = _Store().entities["grace"]
    bridge = _bridging().bridge(q, _linked(grace), ["c1"])
    # Both named beside her; the publisher's sentence is the one about novels and publishing.
    assert list(bridge.seeds)[0] == "radio"
    assert bridge.seeds["radio"] > bridge.seeds.get("river", 0.0)
    assert "year" not in bridge.seeds and "grace" not in bridge.seeds  # a date; her own
    # The path: her chunk that named the publisher, then the publisher's chunks.
    assert bridge.chunks[:2] == ["c1", "c2"]


def test_the_river_question_follows_the_river() -> None:
    q = _query("Which river did Grace Krilanovich grow up near?")
    grace = _Store().entities["grace"]
    bridge = _bridging().bridge(q, _linked(grace), ["c1"])
    assert max(bridge.seeds, key=bridge.seeds.__getitem__) == "river"
    assert "c3" in bridge.chunks


def test_a_bridge_entitys_own_page_leads_its_chunks() -> None:
    """Another chunk that names the publisher is closer to the question, but the publisher's
    own page (where the store knows it) is what says where it is based."""
    q = _query("Where is the publisher of Grace Krilanovich's first novel based?")
    store = _Store()
    store.chunks["c5"] = Chunk(
        "c5", "d5", 0, "Her first novel's publisher Two Dollar Radio is based on a novel.", 0, 60
    )
    store.mentions["c5"] = ["radio"]
    dense = _Dense(store)
    assert dense.similarities(q, ["c5"])["c5"] > dense.similarities(q, ["c2"])["c2"]
    bridge = SentenceBridging(store, dense).bridge(q, _linked(store.entities["grace"]), ["c1"])  # type: ignore[arg-type]
    assert bridge.chunks.index("c2") < bridge.chunks.index("c5")
    store.pages.clear()  # a store without titles: closeness alone decides
    bridge = SentenceBridging(store, dense).bridge(q, _linked(store.entities["grace"]), ["c1"])  # type: ignore[arg-type]
    assert bridge.chunks.index("c5") < bridge.chunks.index("c2")


def test_nothing_to_follow_without_a_linked_entity_in_the_first_round() -> None:
    q = _query("Where is the publisher based?")
    store = _Store()
    assert _bridging().bridge(q, [], ["c1"]).seeds == {}
    # Columbus is linked but the first round (c3) does not mention it.
    assert _bridging().bridge(q, _linked(store.entities["columbus"]), ["c3"]).chunks == []


def test_sentences_and_whole_word_names() -> None:
    assert sentences("A b. C d! 3 e? f") == ["A b.", "C d!", "3 e? f"]
    radio = Entity("r", "Two Dollar Radio", "ORG", aliases=["Two Dollar"])
    assert names_in("Published by two dollar radio.", radio)
    assert names_in("Two Dollar's first book", radio)
    assert not names_in("Two Dollarama", radio)


def test_attributes_are_never_bridges() -> None:
    """A nationality named beside the question's entity ("an American writer") describes her;
    it leads nowhere in particular and takes no bridge slot."""
    q = _query("Where is the publisher of Grace Krilanovich's first novel based?")
    store = _Store()
    store.entities["american"] = Entity("american", "American", "NORP")
    store.chunks["c1"] = Chunk(
        "c1",
        "d1",
        0,
        "Grace Krilanovich is an American writer. Her first novel was published by Two Dollar"
        " Radio, an American publisher.",
        0,
        120,
    )
    store.mentions["c1"] = ["grace", "radio", "american"]
    store.mentions["c6"] = ["american"]
    store.chunks["c6"] = Chunk("c6", "d6", 0, "American novel publisher based in Ohio.", 0, 40)
    bridge = SentenceBridging(store, _Dense(store)).bridge(  # type: ignore[arg-type]
        q, _linked(store.entities["grace"]), ["c1"]
    )
    assert "radio" in bridge.seeds and "american" not in bridge.seeds
    assert "c6" not in bridge.chunks


def test_bridges_of_one_sentence_rank_by_their_closeness_to_the_question() -> None:
    """Two entities named in the same sentence tie on activation; the one whose chunks are
    closer to the question leads (ids decided before: "columbus" < "radio")."""
    q = _query("Where is the publisher of Grace Krilanovich's first novel based?")
    store = _Store()
    store.chunks["c1"] = Chunk(
        "c1",
        "d1",
        0,
        "Her first novel was published by Two Dollar Radio in Columbus, Grace Krilanovich said.",
        0,
        90,
    )
    store.mentions["c1"] = ["grace", "radio", "columbus"]
    store.mentions["c2"] = ["radio"]
    bridge = SentenceBridging(store, _Dense(store)).bridge(  # type: ignore[arg-type]
        q, _linked(store.entities["grace"]), ["c1"]
    )
    assert bridge.seeds["radio"] == bridge.seeds["columbus"]
    assert list(bridge.seeds)[:2] == ["radio", "columbus"]
    assert bridge.chunks.index("c2") < bridge.chunks.index("c4")
