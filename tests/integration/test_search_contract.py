"""One contract suite for vector search, keyword search and the store version, run on both
stores (fixture ``graph_store``): FAISS + BM25 beside the embedded store, Neo4j's vector and
full-text indexes inside the Neo4j store (``kgqa.vectors.factory``, ``kgqa.keyword.factory``).

The write order is the ingest pipeline's: vectors are added, then the batch is written, then
the ids a write or delete removed are dropped from the indexes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kgqa.graph.neo4j import Neo4jGraphStore
from kgqa.keyword.factory import build_keyword_search
from kgqa.retrieval.keyword_search import Bm25KeywordSearch
from kgqa.retrieval.store_state import StoreFingerprint
from kgqa.settings import Settings
from kgqa.vectors.base import VectorIndexError
from kgqa.vectors.factory import build_vector_store
from kgqa.vectors.sentences import chunk_sentences, sentence_ids_of
from tests.integration.test_graph_contract import MARIE, POLAND, WARSAW, doc1_batch, doc2_batch

pytestmark = pytest.mark.integration

SPACE = "test-model-v1"
# Neo4j quantises vectors to int8 in its HNSW index (5.26 default), whose own scores agree with
# the exact cosine to about 0.005 on these 4-d vectors; the store rescores the candidates it
# finds exactly (``Neo4jVectorIndex.search``), so both backends report the cosine itself.
TOLERANCE = 1e-5


def unit(*xs: float) -> np.ndarray:
    v = np.asarray(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


CHUNK_VECTORS = {
    "doc1#0": unit(1, 0, 0, 0),
    "doc1#1": unit(0.6, 0.8, 0, 0),
    "doc2#0": unit(0, 0, 1, 0),
    "doc2#1": unit(0, 0, 0.6, 0.8),
}


@pytest.fixture
def vectors(graph_store, tmp_path: Path):
    return build_vector_store(Settings(data_dir=tmp_path), graph_store)


def fresh(graph_store, tmp_path: Path):
    """The same store's vectors as another process opens them."""
    return build_vector_store(Settings(data_dir=tmp_path), graph_store)


def keyword(graph_store):
    return build_keyword_search(graph_store) or Bm25KeywordSearch(
        graph_store, StoreFingerprint(graph_store)
    )


def write_docs(graph_store, vectors, space: str = SPACE) -> None:
    index = vectors.passages(space, 4)
    for batch in (doc1_batch(), doc2_batch()):
        ids = [c.id for c in batch.chunks]
        index.add(ids, np.vstack([CHUNK_VECTORS[i] for i in ids]))
        graph_store.write(batch)
    vectors.save_all()


def test_the_backend_follows_the_graph_store(graph_store, vectors) -> None:
    assert vectors.transactional is isinstance(graph_store, Neo4jGraphStore)


def test_search_returns_cosine_nearest_first(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    index = vectors.passages(SPACE, 4)
    [hits] = index.search(unit(1, 0.1, 0, 0)[None, :], k=3)
    assert [i for i, _ in hits[:2]] == ["doc1#0", "doc1#1"]
    for hit, chunk in zip(hits[:2], ("doc1#0", "doc1#1"), strict=True):
        expected = float(unit(1, 0.1, 0, 0) @ CHUNK_VECTORS[chunk])
        assert hit[1] == pytest.approx(expected, abs=TOLERANCE)
    assert len(index) == 4
    assert index.search(unit(1, 0, 0, 0), k=0) == [[]]
    two = index.search(np.vstack([unit(0, 0, 1, 0), unit(0, 0, 0, 1)]), k=1)
    assert [row[0][0] for row in two] == ["doc2#0", "doc2#1"]


def test_similarities_of_given_ids_leave_unknown_ones_out(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    sims = vectors.passages(SPACE, 4).similarities(unit(1, 0, 0, 0), ["doc1#1", "nope", "doc2#0"])
    assert set(sims) == {"doc1#1", "doc2#0"}
    assert sims["doc1#1"] == pytest.approx(0.6, abs=TOLERANCE)
    assert sims["doc2#0"] == pytest.approx(0.0, abs=TOLERANCE)


def test_membership_and_missing(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    index = vectors.passages(SPACE, 4)
    assert "doc1#0" in index and "doc9#0" not in index
    assert index.missing(["doc9#0", "doc1#0", "doc8#0"]) == ["doc9#0", "doc8#0"]
    assert sorted(index.ids()) == sorted(CHUNK_VECTORS)


def test_another_process_sees_the_saved_vectors(graph_store, vectors, tmp_path) -> None:
    write_docs(graph_store, vectors)
    other = fresh(graph_store, tmp_path)
    assert other.counts() == {f"passages.{SPACE}": 4}
    [hits] = other.passages(SPACE, 4).search(unit(0, 0, 0, 1)[None, :], k=1)
    assert hits[0][0] == "doc2#1"


def test_add_replaces_a_vector(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    index = vectors.passages(SPACE, 4)
    index.add(["doc1#0"], unit(0, 0, 0, 1)[None, :])
    vectors.save_all()
    assert len(index) == 4
    sims = index.similarities(unit(0, 0, 0, 1), ["doc1#0"])
    assert sims["doc1#0"] == pytest.approx(1.0, abs=TOLERANCE)


def test_deleted_documents_leave_no_vectors(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    index = vectors.passages(SPACE, 4)
    removed = graph_store.delete_documents(["doc2"])
    for ix in vectors.all_passage_indexes():
        ix.remove(removed.chunks)
    vectors.save_all()
    [hits] = index.search(unit(0, 0, 1, 0)[None, :], k=4)
    assert {i for i, _ in hits} == {"doc1#0", "doc1#1"}
    assert len(index) == 2


def test_a_rewritten_document_keeps_only_its_new_chunks_vectors(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    index = vectors.passages(SPACE, 4)
    batch = doc1_batch()
    batch.documents[0].content_hash = "h1-v2"
    batch.chunks = batch.chunks[:1]
    batch.mentions = [m for m in batch.mentions if m.chunk_id == "doc1#0"]
    batch.relations = [r for r in batch.relations if r.chunk_id == "doc1#0"]
    batch.entities = [MARIE, WARSAW]
    index.add(["doc1#0"], unit(0, 1, 0, 0)[None, :])
    removed = graph_store.write(batch)
    index.remove(removed.chunks)
    vectors.save_all()
    assert removed.chunks == ["doc1#1"]
    assert sorted(index.ids()) == ["doc1#0", "doc2#0", "doc2#1"]
    assert index.similarities(unit(0, 1, 0, 0), ["doc1#0"])["doc1#0"] == pytest.approx(
        1.0, abs=TOLERANCE
    )


def test_entity_name_vectors(graph_store, vectors) -> None:
    names = vectors.entities(SPACE, 4)
    batch = doc1_batch()
    names.add(
        [MARIE.id, WARSAW.id, POLAND.id],
        np.vstack([unit(1, 0, 0, 0), unit(0, 1, 0, 0), unit(0, 1, 1, 0)]),
    )
    graph_store.write(batch)
    vectors.save_all()
    [hits] = names.search(unit(0, 1, 0.1, 0)[None, :], k=2)
    assert [i for i, _ in hits] == [WARSAW.id, POLAND.id]
    assert vectors.counts() == {f"entities.{SPACE}": 3}
    removed = graph_store.delete_documents(["doc1"])
    for ix in vectors.all_entity_indexes():
        ix.remove(removed.entities)
    vectors.save_all()
    assert len(names) == 0


def write_sentences(graph_store, vectors) -> dict[str, np.ndarray]:
    """doc1 and doc2 with a vector per sentence of each chunk, added before the write as the
    ingest does; returns them by sentence id."""
    index = vectors.sentences(SPACE, 4)
    rows: dict[str, np.ndarray] = {}
    for batch in (doc1_batch(), doc2_batch()):
        ids, _ = chunk_sentences(batch.chunks)
        found = {i: unit(1, k + 1, len(rows), 0.5) for k, i in enumerate(ids)}
        index.add(list(found), np.vstack(list(found.values())))
        rows |= found
        graph_store.write(batch)
    vectors.save_all()
    return rows


def test_sentence_vectors_are_read_by_id_and_follow_their_chunks(graph_store, vectors) -> None:
    rows = write_sentences(graph_store, vectors)
    index = vectors.sentences(SPACE, 4)
    assert len(rows) >= 4 and sorted(index.ids()) == sorted(rows)
    query = unit(0, 1, 0, 0)
    sims = index.similarities(query, [*rows, "doc9#0#s000000000000"])
    assert set(sims) == set(rows)
    for i, row in rows.items():
        assert sims[i] == pytest.approx(float(query @ row), abs=TOLERANCE)
    [hits] = index.search(query[None, :], k=2)
    best = sorted(rows, key=lambda i: -float(query @ rows[i]))[:2]
    assert [i for i, _ in hits] == best
    doc1 = {i for i in rows if i.startswith("doc1#")}
    assert set(sentence_ids_of(index, ["doc1#0", "doc1#1"])) == doc1
    assert vectors.counts()[f"sentences.{SPACE}"] == len(rows)
    # The pipeline's order on a delete: the graph first, then the ids it removed.
    removed = graph_store.delete_documents(["doc1"])
    for ix in vectors.all_sentence_indexes():
        ix.remove(sentence_ids_of(ix, removed.chunks))
    vectors.save_all()
    assert sorted(fresh_ids(vectors)) == sorted(set(rows) - doc1)


def fresh_ids(vectors) -> list[str]:
    return [i for ix in vectors.all_sentence_indexes() for i in ix.ids()]


def test_an_index_built_by_another_model_is_refused(graph_store, vectors, tmp_path) -> None:
    write_docs(graph_store, vectors, space="dim-check")
    with pytest.raises(VectorIndexError, match="dim 4"):
        fresh(graph_store, tmp_path).passages("dim-check", 8)


def test_spaces_with_names_that_fold_alike_stay_apart(graph_store, vectors) -> None:
    a, b = vectors.passages("Model-A", 4), vectors.passages("model_a", 4)
    batch = doc1_batch()
    a.add(["doc1#0"], unit(1, 0, 0, 0)[None, :])
    graph_store.write(batch)
    vectors.save_all()
    assert len(a) == 1 and len(b) == 0


# -- keyword search -----------------------------------------------------------------------------


def test_keyword_search_ranks_chunks_with_the_words(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    search = keyword(graph_store)
    hits = search.search("Which capital, Warsaw?", k=3)
    assert hits and hits[0][0] == "doc1#1"  # "Warsaw" and "capital" both there
    assert all(score > 0 for _, score in hits)
    assert [i for i, _ in search.search("Nobel Prize", k=1)] == ["doc2#1"]
    assert search.search("Nobel", k=0) == []


def test_keyword_search_covers_the_document_title(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    hits = keyword(graph_store).search("marriage", k=5)  # doc2's title only
    assert {i for i, _ in hits} == {"doc2#0", "doc2#1"}


def test_keyword_search_takes_any_text(graph_store, vectors) -> None:
    write_docs(graph_store, vectors)
    search = keyword(graph_store)
    assert search.search("the of and", k=5) == []  # stopwords only
    assert search.search("", k=5) == []
    weird = search.search('Warsaw AND (Poland OR "x* ~2 title:[a TO z] \\ / ! ^', k=5)
    assert weird and weird[0][0] == "doc1#1"


def test_keyword_search_follows_writes_and_deletes(graph_store, vectors) -> None:
    search = keyword(graph_store)
    assert search.search("Warsaw", k=5) == []
    write_docs(graph_store, vectors)
    assert {i for i, _ in search.search("Warsaw", k=5)} == {"doc1#0", "doc1#1"}
    graph_store.delete_documents(["doc1"])
    assert search.search("Warsaw", k=5) == []


def test_keyword_search_of_chinese_text(graph_store) -> None:
    from kgqa.domain import Chunk, Document, GraphBatch

    text = "北京是中国的首都。上海是最大的城市。"
    doc = Document(id="zh1", text=text, title="", source="zh.txt", lang="zh", content_hash="z")
    graph_store.write(
        GraphBatch(documents=[doc], chunks=[Chunk("zh1#0", "zh1", 0, text, 0, len(text))])
    )
    assert [i for i, _ in keyword(graph_store).search("中国的首都是哪里？", k=1)] == ["zh1#0"]


# -- the store version --------------------------------------------------------------------------


def test_the_version_moves_with_every_write_and_delete(graph_store) -> None:
    start = graph_store.version()
    graph_store.write(doc1_batch())
    after_write = graph_store.version()
    assert after_write > start
    graph_store.stats()
    graph_store.get_documents(["doc1"])
    assert graph_store.version() == after_write
    graph_store.delete_documents(["nope"])
    assert graph_store.version() == after_write  # nothing changed
    graph_store.delete_documents(["doc1"])
    assert graph_store.version() > after_write


def test_a_failed_write_leaves_the_version(graph_store) -> None:
    from kgqa.errors import GraphStoreError

    graph_store.write(doc1_batch())
    before = graph_store.version()
    bad = doc2_batch()
    bad.entities = []  # its mentions now point at entities that do not exist
    with pytest.raises(GraphStoreError):
        graph_store.write(bad)
    assert graph_store.version() == before


def test_reads_and_opening_indexes_leave_the_version(graph_store, vectors, tmp_path) -> None:
    """Only data moves the version: a replica opening its indexes must not make the others
    rebuild their caches."""
    write_docs(graph_store, vectors)
    before = graph_store.version()
    other = fresh(graph_store, tmp_path)
    other.counts()
    other.passages("another-model", 4).search(unit(1, 0, 0, 0)[None, :], k=2)
    other.passages(SPACE, 4).remove(["doc9#9"])  # nothing to remove
    keyword(graph_store).search("Warsaw", k=3)
    assert graph_store.version() == before
