"""Two `kgqa ingest` processes writing overlapping documents into one Neo4j at the same time.

What holds (uniqueness constraints + MERGE, conflicting writes retried): no name founds two
entities, no chunk, mention or relation is stored twice, every document has the chunks one
writer gives it, and every entity one writer makes is there under the same id.

A name that one writer joins to another entity *by its alias rules* (a title or house prefix,
a similar name) while the other writer, not yet seeing that entity, founds it under its own name
would leave the alias key on two entities: both commits are valid alone. Writers therefore
resolve and write under the store's resolution lock (one Neo4j node's write lock), taking turns
for that step, and no key may point at two entities."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from kgqa.graph.neo4j import Neo4jGraphStore
from kgqa.names import ACRONYM_PREFIX, normalize_name

pytestmark = [pytest.mark.integration, pytest.mark.neo4j, pytest.mark.slow]

SHARED_KEYS = """
MATCH (k:EntityKey)-[:KEY_OF]->(e:Entity) WITH k, collect(e.name) AS names
WHERE size(names) > 1 RETURN k.key, names ORDER BY k.key
"""
DUPLICATE_RELATIONS = """
MATCH (a:Entity)-[r:RELATES]->(b:Entity)
WITH a.id AS s, b.id AS o, r.predicate AS p, r.kind AS k, r.chunk_id AS c, r.start_offset AS x,
     r.end_offset AS y, count(*) AS n
WHERE n > 1 RETURN count(*)
"""
DUPLICATE_MENTIONS = """
MATCH (c:Chunk)-[m:MENTIONS]->(e:Entity)
WITH c.id AS c, e.id AS e, m.start_offset AS x, m.end_offset AS y, m.surface AS t, count(*) AS n
WHERE n > 1 RETURN count(*)
"""
CHUNKS_PER_DOCUMENT = """
MATCH (d:Document) OPTIONAL MATCH (d)-[:HAS_CHUNK]->(c:Chunk)
RETURN d.id AS id, count(c) AS chunks ORDER BY id
"""
COUNTS = """
CALL () { MATCH (e:Entity) RETURN count(e) AS entities }
CALL () { MATCH (c:Chunk) RETURN count(c) AS chunks }
CALL () { MATCH ()-[m:MENTIONS]->() RETURN count(m) AS mentions }
CALL () { MATCH ()-[r:RELATES]->() RETURN count(r) AS relations }
RETURN entities, chunks, mentions, relations
"""


def _corpus(path: Path, passages: list[dict], first: int, last: int) -> Path:
    rows = [
        json.dumps({"id": f"p{i}", "title": passages[i]["title"], "text": passages[i]["text"]})
        for i in range(first, last)
    ]
    path.write_text("\n".join(rows), encoding="utf-8")
    return path


def _ingest(corpus: Path, data_dir: Path, graph: dict) -> subprocess.Popen[str]:
    env = {**os.environ, "KGQA_INGEST__BATCH_DOCUMENTS": "3", "HF_HUB_OFFLINE": "1"}
    env.update({f"KGQA_GRAPH__{k.upper()}": str(v) for k, v in graph.items()})
    cmd = [sys.executable, "-m", "kgqa.cli.main", "ingest", str(corpus), "--data-dir"]
    return subprocess.Popen(
        [*cmd, str(data_dir), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> dict:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out)


def _state(driver, database: str) -> dict:
    def one(query: str) -> int:
        return driver.execute_query(query, database_=database).records[0][0]

    def rows(query: str) -> list[tuple]:
        return [tuple(r) for r in driver.execute_query(query, database_=database).records]

    counts = driver.execute_query(COUNTS, database_=database).records[0].data()
    chunks = [tuple(r) for r in driver.execute_query(CHUNKS_PER_DOCUMENT, database_=database)[0]]
    entities = rows("MATCH (e:Entity) RETURN e.id, e.name ORDER BY e.id")
    return {
        # Acronym keys ("acronym:ta") index every expansion by design; names must be one's.
        "shared_keys": [r for r in rows(SHARED_KEYS) if not r[0].startswith(ACRONYM_PREFIX)],
        "name_keys": Counter(normalize_name(name) for _, name in entities),
        "duplicate_relations": one(DUPLICATE_RELATIONS),
        "duplicate_mentions": one(DUPLICATE_MENTIONS),
        "chunks_per_document": chunks,
        "entity_ids": [eid for eid, _ in entities],
        **counts,
    }


def test_two_writers_of_overlapping_documents_make_one_consistent_store(
    tmp_path: Path, shared_data: Path, neo4j_uri_and_auth, neo4j_driver
) -> None:
    uri, user, password, database = neo4j_uri_and_auth
    graph = {"backend": "neo4j", "uri": uri, "user": user, "password": password}
    graph["database"] = database
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    passages = json.loads((shared_data / "2wiki" / "corpus.json").read_text(encoding="utf-8"))
    # Documents 8-15 are in both writers' inputs, in batches of 3 that interleave in time.
    a = _corpus(tmp_path / "a.jsonl", passages, 0, 16)
    b = _corpus(tmp_path / "b.jsonl", passages, 8, 24)
    writers = [_ingest(a, tmp_path / "a", graph), _ingest(b, tmp_path / "b", graph)]
    reports = [_finish(p) for p in writers]
    assert all(r["documents_failed"] == 0 for r in reports)
    both = _state(neo4j_driver, database)

    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    union = _corpus(tmp_path / "union.jsonl", passages, 0, 24)
    _finish(_ingest(union, tmp_path / "one", graph))
    alone = _state(neo4j_driver, database)

    twice = [k for k, n in both["name_keys"].items() if n > 1]
    assert not twice, f"names that founded two entities: {twice}"
    # The same support twice in one chunk is allowed only where one writer writes it so too.
    assert both["duplicate_relations"] == alone["duplicate_relations"] == 0
    assert both["duplicate_mentions"] == alone["duplicate_mentions"]
    assert len(both["chunks_per_document"]) == 24
    assert both["chunks_per_document"] == alone["chunks_per_document"]
    assert (both["chunks"], both["mentions"]) == (alone["chunks"], alone["mentions"])
    assert set(alone["entity_ids"]) <= set(both["entity_ids"])
    assert both["shared_keys"] == alone["shared_keys"] == [], both["shared_keys"]


def test_the_resolution_lock_makes_writers_take_turns(neo4j_uri_and_auth) -> None:
    """Two stores (as two processes would hold): the second waits until the first releases."""
    uri, user, password, database = neo4j_uri_and_auth
    first, second = (Neo4jGraphStore(uri, user, password, database) for _ in range(2))
    for store in (first, second):
        store.open()
    first.init_schema()
    order: list[str] = []
    taken = threading.Event()

    def take_second() -> None:
        with second.resolution_lock():
            order.append("second took")
            taken.set()

    try:
        with first.resolution_lock():
            waiter = threading.Thread(target=take_second)
            waiter.start()
            assert not taken.wait(1.5), "the second writer got the lock while the first held it"
            order.append("first released")
        assert taken.wait(30)
        waiter.join(30)
        assert order == ["first released", "second took"]
        # Released after an error inside too, and the error is the caller's.
        with pytest.raises(ZeroDivisionError), first.resolution_lock():
            _ = 1 / 0
        with second.resolution_lock():
            pass
    finally:
        first.close()
        second.close()
