"""One contract suite, run against every graph backend (fixture ``graph_store`` in conftest).

Same inputs, same expected results: this file is the definition of "identical behaviour".
"""

from __future__ import annotations

import pytest

from kgqa.domain import Chunk, Document, Entity, GraphBatch, Mention, Relation
from kgqa.errors import GraphStoreError
from kgqa.graph.base import GraphStats
from kgqa.graph.traversal import k_hop_facts
from kgqa.names import entity_id, normalize_name

pytestmark = pytest.mark.integration


def ent(name: str, type_: str = "PERSON", aliases: tuple[str, ...] = ()) -> Entity:
    key = normalize_name(name)
    return Entity(id=entity_id(key), name=name, type=type_, aliases=[name, *aliases])


MARIE = ent("Marie Curie", aliases=("Curie",))
PIERRE = ent("Pierre Curie")
WARSAW = ent("Warsaw", "GPE")
POLAND = ent("Poland", "GPE")
PARIS = ent("Paris", "GPE")
NOBEL = ent("Nobel Prize", "WORK_OF_ART")

DOC1_TEXT = "Marie Curie was born in Warsaw. Warsaw is the capital of Poland."
DOC2_TEXT = "Marie Curie married Pierre Curie in Paris. Curie won the Nobel Prize."


def mention(e: Entity, chunk: Chunk, surface: str) -> Mention:
    start = chunk.start + chunk.text.index(surface)
    return Mention(e.id, chunk.id, chunk.doc_id, start, start + len(surface), surface, e.type)


def rel(s: Entity, p: str, o: Entity, chunk: Chunk, kind: str = "syntactic") -> Relation:
    return Relation(s.id, p, o.id, kind, chunk.doc_id, chunk.id, chunk.start, chunk.end)  # type: ignore[arg-type]


def doc1_batch(title: str = "Curie") -> GraphBatch:
    doc = Document(
        id="doc1",
        text=DOC1_TEXT,
        title=title,
        source="a/doc1.txt",
        lang="en",
        metadata={"year": 1867, "tags": ["x"]},
        content_hash="h1",
    )
    c0 = Chunk("doc1#0", "doc1", 0, DOC1_TEXT[:31], 0, 31)
    c1 = Chunk("doc1#1", "doc1", 1, DOC1_TEXT[32:], 32, len(DOC1_TEXT))
    return GraphBatch(
        documents=[doc],
        chunks=[c0, c1],
        entities=[MARIE, WARSAW, POLAND],
        mentions=[
            mention(MARIE, c0, "Marie Curie"),
            mention(WARSAW, c0, "Warsaw"),
            mention(WARSAW, c1, "Warsaw"),
            mention(POLAND, c1, "Poland"),
        ],
        relations=[
            rel(MARIE, "born in", WARSAW, c0),
            rel(WARSAW, "capital of", POLAND, c1),
            rel(MARIE, "co-occurs", WARSAW, c0, "cooccurrence"),
        ],
    )


def doc2_batch() -> GraphBatch:
    doc = Document(
        id="doc2", text=DOC2_TEXT, title="Marriage", source="a/doc2.txt", content_hash="h2"
    )
    c0 = Chunk("doc2#0", "doc2", 0, DOC2_TEXT[:42], 0, 42)
    c1 = Chunk("doc2#1", "doc2", 1, DOC2_TEXT[43:], 43, len(DOC2_TEXT))
    marie_alias = Entity(MARIE.id, "Marie Curie", "PERSON", ["Marie Curie", "Mme Curie"])
    return GraphBatch(
        documents=[doc],
        chunks=[c0, c1],
        entities=[marie_alias, PIERRE, PARIS, NOBEL],
        mentions=[
            mention(MARIE, c0, "Marie Curie"),
            mention(PIERRE, c0, "Pierre Curie"),
            mention(PARIS, c0, "Paris"),
            mention(MARIE, c1, "Curie"),
            mention(NOBEL, c1, "Nobel Prize"),
        ],
        relations=[
            rel(MARIE, "marry", PIERRE, c0),
            rel(MARIE, "marry in", PARIS, c0),
            rel(MARIE, "win", NOBEL, c1),
            rel(MARIE, "born in", WARSAW, c1),
        ],
    )


def kb_batch() -> GraphBatch:
    doc = Document(id="kb:test", text="", title="kb.tsv", source="kb.tsv", content_hash="k1")
    return GraphBatch(
        documents=[doc],
        entities=[POLAND, ent("Europe", "KB")],
        relations=[Relation(POLAND.id, "located_in", entity_id("europe"), "kb", "kb:test")],
    )


def stats(store) -> dict[str, int]:
    s = store.stats()
    assert isinstance(s, GraphStats)
    return s.as_dict()


def test_init_schema_is_idempotent(graph_store) -> None:
    graph_store.init_schema()
    graph_store.init_schema()
    graph_store.ping()
    assert stats(graph_store) == dict(documents=0, chunks=0, entities=0, relations=0, mentions=0)


def test_write_counts_and_reads_back(graph_store) -> None:
    removed = graph_store.write(doc1_batch())
    assert removed.chunks == [] and removed.entities == []
    assert stats(graph_store) == dict(documents=1, chunks=2, entities=3, relations=3, mentions=4)

    [doc] = graph_store.get_documents(["doc1", "missing"])
    assert (doc.id, doc.title, doc.source, doc.lang, doc.content_hash) == (
        "doc1",
        "Curie",
        "a/doc1.txt",
        "en",
        "h1",
    )
    assert doc.metadata == {"year": 1867, "tags": ["x"]}
    assert doc.text == ""
    assert graph_store.document_hashes(["doc1", "nope"]) == {"doc1": "h1"}

    chunks = graph_store.get_chunks(["doc1#1", "zzz", "doc1#0"])
    assert [c.id for c in chunks] == ["doc1#1", "doc1#0"]
    assert chunks[0] == Chunk("doc1#1", "doc1", 1, DOC1_TEXT[32:], 32, len(DOC1_TEXT))
    assert DOC1_TEXT[chunks[0].start : chunks[0].end] == chunks[0].text


def test_rewriting_the_same_batch_changes_nothing(graph_store) -> None:
    graph_store.write(doc1_batch())
    before = stats(graph_store)
    removed = graph_store.write(doc1_batch())
    assert stats(graph_store) == before
    # Chunk ids are reused, so nothing is reported gone.
    assert removed.chunks == [] and removed.entities == []


def test_entities_upsert_unions_aliases_and_keeps_first_name(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    [marie] = graph_store.get_entities([MARIE.id])
    assert marie.name == "Marie Curie" and marie.type == "PERSON"
    assert marie.aliases == sorted(["Marie Curie", "Curie", "Mme Curie"])
    got = graph_store.get_entities([PARIS.id, "nope", WARSAW.id])
    assert [e.id for e in got] == [PARIS.id, WARSAW.id]


def test_find_entities_by_normalised_name_and_alias(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    found = graph_store.find_entities(["marie curie", "mme curie", "warsaw", "atlantis"])
    assert [e.id for e in found["marie curie"]] == [MARIE.id]
    assert [e.id for e in found["mme curie"]] == [MARIE.id]
    assert [e.id for e in found["warsaw"]] == [WARSAW.id]
    assert "atlantis" not in found


def test_relations_aggregate_support(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    facts = graph_store.relations_of([MARIE.id], limit_per_entity=100)
    by_key = {(f.subject, f.predicate, f.object): f for f in facts}
    born = by_key[("Marie Curie", "born in", "Warsaw")]
    assert born.count == 2
    assert born.chunk_id == "doc1#0" and born.doc_id == "doc1"  # smallest chunk id supports it
    assert (born.start, born.end) == (0, 31)
    assert born.kind == "syntactic" and born.hop == 1
    assert ("Marie Curie", "marry", "Pierre Curie") in by_key
    assert ("Marie Curie", "co-occurs", "Warsaw") in by_key
    keys = [(f.subject_id, f.predicate, f.object_id) for f in facts]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    # Incoming edges count too.
    into_poland = graph_store.relations_of([POLAND.id], limit_per_entity=100)
    assert [(f.subject, f.predicate) for f in into_poland] == [("Warsaw", "capital of")]


def test_relations_fanout_keeps_best_supported(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    [top] = graph_store.relations_of([MARIE.id], limit_per_entity=1)
    assert (top.predicate, top.object, top.count) == ("born in", "Warsaw", 2)


def test_k_hop_expansion_with_fanout(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    one = k_hop_facts(graph_store, [MARIE.id], hops=1, fanout=100)
    assert all(f.hop == 1 for f in one)
    assert not any(f.predicate == "capital of" for f in one)
    two = k_hop_facts(graph_store, [MARIE.id], hops=2, fanout=100)
    capital = [f for f in two if f.predicate == "capital of"]
    assert len(capital) == 1 and capital[0].hop == 2
    narrow = k_hop_facts(graph_store, [MARIE.id], hops=2, fanout=1)
    assert len(narrow) < len(two)


def test_changed_document_replaces_its_content(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    text = "Warsaw lies on the Vistula."
    new = GraphBatch(
        documents=[Document(id="doc1", text=text, title="Curie v2", content_hash="h1b")],
        chunks=[Chunk("doc1#0", "doc1", 0, text, 0, len(text))],
        entities=[WARSAW],
        mentions=[Mention(WARSAW.id, "doc1#0", "doc1", 0, 6, "Warsaw", "GPE")],
    )
    removed = graph_store.write(new)
    assert removed.chunks == ["doc1#1"]
    assert removed.entities == [POLAND.id]  # Marie is still mentioned by doc2
    assert graph_store.get_entities([POLAND.id]) == []
    assert graph_store.document_hashes(["doc1"]) == {"doc1": "h1b"}
    assert graph_store.get_chunks(["doc1#0"])[0].text == text
    facts = graph_store.relations_of([MARIE.id], limit_per_entity=100)
    born = [f for f in facts if f.predicate == "born in"]
    assert len(born) == 1 and born[0].count == 1 and born[0].doc_id == "doc2"
    assert not any(f.predicate == "co-occurs" for f in facts)
    assert stats(graph_store) == dict(documents=2, chunks=3, entities=5, relations=4, mentions=6)


def test_delete_removes_only_what_the_document_supported(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    removed = graph_store.delete_documents(["doc2", "unknown", "doc2"])
    assert removed.documents == ["doc2"]
    assert removed.chunks == ["doc2#0", "doc2#1"]
    assert removed.entities == sorted([PIERRE.id, PARIS.id, NOBEL.id])
    assert stats(graph_store) == dict(documents=1, chunks=2, entities=3, relations=3, mentions=4)
    born = [f for f in graph_store.relations_of([MARIE.id], 100) if f.predicate == "born in"]
    assert born[0].count == 1
    # Deleting the rest empties the store.
    graph_store.delete_documents(["doc1"])
    assert stats(graph_store) == dict(documents=0, chunks=0, entities=0, relations=0, mentions=0)


def test_knowledge_base_triples_without_chunks(graph_store) -> None:
    graph_store.write(doc1_batch())
    assert not graph_store.has_relations_of_kind("kb")
    assert graph_store.has_relations_of_kind("syntactic")
    graph_store.write(doc1_batch())
    graph_store.write(kb_batch())
    facts = graph_store.relations_of([POLAND.id], limit_per_entity=100)
    kb = [f for f in facts if f.kind == "kb"]
    assert [(f.subject, f.predicate, f.object, f.chunk_id, f.doc_id) for f in kb] == [
        ("Poland", "located_in", "Europe", "", "kb:test")
    ]
    removed = graph_store.delete_documents(["kb:test"])
    assert removed.entities == [entity_id("europe")]  # Poland is still mentioned by doc1
    assert graph_store.get_entities([POLAND.id])


def test_edges_for_pagerank(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    ec = graph_store.entity_chunk_edges([WARSAW.id, MARIE.id])
    assert ec == sorted(ec)
    assert (WARSAW.id, "doc1#0", 1) in ec and (WARSAW.id, "doc1#1", 1) in ec
    assert (MARIE.id, "doc2#0", 1) in ec and (MARIE.id, "doc2#1", 1) in ec
    assert all(e in (WARSAW.id, MARIE.id) for e, _, _ in ec)
    assert len(graph_store.entity_chunk_edges()) == 9
    ee = graph_store.entity_entity_edges([MARIE.id, WARSAW.id, POLAND.id])
    assert ee == sorted(ee)
    weights = {(s, o): w for s, o, w in ee}
    assert weights[(MARIE.id, WARSAW.id)] == pytest.approx(3.0)  # 2 "born in" + 1 co-occurrence
    assert weights[(WARSAW.id, POLAND.id)] == pytest.approx(1.0)
    assert len(weights) == 2
    assert len(graph_store.entity_entity_edges()) == 5
    ce = graph_store.chunk_entities(["doc1#1", "doc2#1", "nope"])
    assert ce == {"doc1#1": sorted([WARSAW.id, POLAND.id]), "doc2#1": sorted([MARIE.id, NOBEL.id])}


def test_lookups_by_id_ignore_repeats_and_unknown_ids(graph_store) -> None:
    """Each lookup answers for the ids it knows, once, whatever else the list holds."""
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    known = [MARIE.id, WARSAW.id]
    noisy = ["nope", MARIE.id, WARSAW.id, MARIE.id, "nope"]
    assert graph_store.relations_of(noisy, 100) == graph_store.relations_of(known, 100)
    assert graph_store.entity_chunk_edges(noisy) == graph_store.entity_chunk_edges(known)
    assert [e.id for e in graph_store.get_entities(noisy)] == [MARIE.id, WARSAW.id, MARIE.id]
    assert [c.id for c in graph_store.get_chunks(["doc1#1", "x", "doc1#1"])] == ["doc1#1"] * 2
    assert [d.id for d in graph_store.get_documents(["x", "doc2", "doc2"])] == ["doc2", "doc2"]
    found = graph_store.find_entities(["curie", "atlantis", "curie"])
    assert list(found) == ["curie"] and [e.id for e in found["curie"]] == [MARIE.id]
    assert graph_store.relations_of(["nope"], 10) == []
    assert graph_store.entity_chunk_edges(["nope"]) == []


def test_iteration_and_listing_are_ordered_pages(graph_store) -> None:
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    pages = list(graph_store.iter_chunks(batch_size=3))
    assert [len(p) for p in pages] == [3, 1]
    ids = [c.id for p in pages for c in p]
    assert ids == sorted(ids)
    ents = [e.id for p in graph_store.iter_entities(batch_size=4) for e in p]
    assert ents == sorted(ents) and len(ents) == 6
    assert [d.id for d in graph_store.list_documents(0, 10)] == ["doc1", "doc2"]
    assert [d.id for d in graph_store.list_documents(1, 10)] == ["doc2"]


def test_a_failing_batch_writes_nothing(graph_store) -> None:
    graph_store.write(doc1_batch())
    before = stats(graph_store)
    bad = doc2_batch()
    ghost = Entity("Eghost", "Ghost", "PERSON", ["Ghost"])
    # A mention of an entity that is neither in the batch nor in the store is an integrity error.
    bad.mentions.append(Mention(ghost.id, "doc2#0", "doc2", 0, 5, "Ghost", "PERSON"))
    with pytest.raises(GraphStoreError, match="Eghost|unknown entit"):
        graph_store.write(bad)
    assert stats(graph_store) == before
    assert graph_store.get_documents(["doc2"]) == []


def test_query_syntax_in_values_is_stored_as_data(graph_store) -> None:
    nasty = "x'}) MATCH (n) DETACH DELETE n //"
    batch = doc1_batch(title=nasty)
    batch.entities.append(ent(nasty, "ORG"))
    graph_store.write(batch)
    assert graph_store.get_documents(["doc1"])[0].title == nasty
    assert stats(graph_store)["entities"] == 4
    assert graph_store.get_entities([entity_id(normalize_name(nasty))])[0].name == nasty


def test_chinese_text_round_trips(graph_store) -> None:
    text = "北京是中华人民共和国的首都。"
    capital = ent("北京", "LOC")
    country = ent("中华人民共和国", "LOC")
    c0 = Chunk("zh#0", "zh", 0, text, 0, len(text))
    graph_store.write(
        GraphBatch(
            documents=[Document(id="zh", text=text, title="首都", lang="zh", content_hash="z")],
            chunks=[c0],
            entities=[capital, country],
            mentions=[
                Mention(capital.id, "zh#0", "zh", 0, 2, "北京", "LOC"),
                Mention(country.id, "zh#0", "zh", 3, 10, "中华人民共和国", "LOC"),
            ],
            relations=[Relation(capital.id, "首都", country.id, "syntactic", "zh", "zh#0", 0, 14)],
        )
    )
    assert graph_store.find_entities(["北京"])["北京"][0].name == "北京"
    [fact] = graph_store.relations_of([capital.id], 10)
    assert (fact.subject, fact.predicate, fact.object) == ("北京", "首都", "中华人民共和国")
    assert graph_store.get_documents(["zh"])[0].lang == "zh"


def test_topic_chunks_are_those_of_documents_titled_by_the_entity(graph_store) -> None:
    text = "Warsaw is the capital of Poland."
    doc = Document("doc3", text, title="Warsaw", content_hash="h3")
    chunk = Chunk("doc3#0", "doc3", 0, text, 0, len(text))
    topic = Mention(WARSAW.id, chunk.id, "doc3", 0, 0, "Warsaw", "TOPIC")
    batch = GraphBatch(
        [doc], [chunk], [WARSAW, POLAND], [topic, mention(POLAND, chunk, "Poland")], []
    )
    graph_store.write(batch)
    graph_store.write(doc1_batch())  # mentions Warsaw, but is not about it
    assert graph_store.topic_chunks([WARSAW.id, POLAND.id, "Enope"]) == {WARSAW.id: ["doc3#0"]}


def test_the_snapshot_answers_every_read_as_the_store_does(graph_store) -> None:
    """kgqa.retrieval.snapshot: relations and mentions from the whole-store reads
    (``all_facts``, ``mention_counts``) give each per-question read's exact result, and a write
    through the store is seen at the next read."""
    from kgqa.retrieval.snapshot import GraphSnapshot
    from kgqa.retrieval.store_state import StoreFingerprint

    text = "Warsaw is the capital of Poland."
    chunk = Chunk("doc3#0", "doc3", 0, text, 0, len(text))
    graph_store.write(
        GraphBatch(
            [Document("doc3", text, title="Warsaw", content_hash="h3")],
            [chunk],
            [WARSAW, POLAND],
            [
                Mention(WARSAW.id, chunk.id, "doc3", 0, 0, "Warsaw", "TOPIC"),
                mention(WARSAW, chunk, "Warsaw"),
                mention(POLAND, chunk, "Poland"),
            ],
            [rel(WARSAW, "capital of", POLAND, chunk)],
        )
    )
    graph_store.write(doc1_batch())
    graph_store.write(doc2_batch())
    graph_store.write(kb_batch())
    fingerprint = StoreFingerprint(graph_store)
    snapshot = GraphSnapshot(graph_store, fingerprint, max_rows=10_000, background=False)
    entities = [MARIE.id, PIERRE.id, WARSAW.id, POLAND.id, PARIS.id, NOBEL.id, entity_id("europe")]
    chunks = ["doc1#0", "doc1#1", "doc2#0", "doc2#1", "doc3#0", "nope"]

    def same_reads() -> None:
        for ids in ([MARIE.id], [WARSAW.id, "nope", MARIE.id, WARSAW.id], entities, []):
            for limit in (1, 2, 100):
                assert snapshot.relations_of(ids, limit) == graph_store.relations_of(ids, limit)
            assert snapshot.entity_chunk_edges(ids) == graph_store.entity_chunk_edges(ids)
            assert snapshot.topic_chunks(ids) == graph_store.topic_chunks(ids)
        assert snapshot.entity_chunk_edges() == graph_store.entity_chunk_edges()
        assert snapshot.chunk_entities(chunks) == graph_store.chunk_entities(chunks)
        keys = ["marie curie", "mme curie", "curie", "nobel prize", "atlantis", "curie", "poland"]
        assert snapshot.find_entities(keys) == graph_store.find_entities(keys)
        assert snapshot.find_entities(["atlantis"]) == {}
        # Records by id, kept per version: asked twice, in another order, after any write.
        for ids in (chunks, chunks[::-1]):
            assert snapshot.get_chunks(ids) == graph_store.get_chunks(ids)
        for ids in (entities, entities[::-1]):
            assert snapshot.get_entities(ids) == graph_store.get_entities(ids)
        docs = ["doc3", "doc1", "nope", "doc2"]
        assert snapshot.get_documents(docs) == graph_store.get_documents(docs)

    same_reads()
    assert snapshot.topic_chunks([WARSAW.id]) == {WARSAW.id: ["doc3#0"]}
    assert len(snapshot.relations_of([MARIE.id], 100)) == 5  # "born in" twice: one fact
    graph_store.delete_documents(["doc2"])
    same_reads()
    assert len(snapshot.relations_of([MARIE.id], 100)) == 2
    over_bound = GraphSnapshot(graph_store, fingerprint, max_rows=1, background=False)
    assert over_bound.relations_of(entities, 100) == graph_store.relations_of(entities, 100)
