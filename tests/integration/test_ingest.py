"""The write path against both graph backends: idempotency, updates, deletes, triples, bad input,
and crash recovery (kill -9 mid-run, then a rerun equals an uninterrupted run)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kgqa.api import KGQA
from kgqa.names import entity_id
from kgqa.settings import Settings
from kgqa.vectors.sentences import chunk_sentences
from kgqa.wiring import Components, build_components

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def backend(request) -> dict:
    """Graph settings for a fresh, empty store of each backend."""
    if request.param == "embedded":
        return {"backend": "embedded"}
    uri, user, password, database = request.getfixturevalue("neo4j_uri_and_auth")
    driver = request.getfixturevalue("neo4j_driver")
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    return {
        "backend": "neo4j",
        "uri": uri,
        "user": user,
        "password": password,
        "database": database,
    }


@pytest.fixture
def parts(backend: dict, tmp_path: Path) -> Iterator[Components]:
    """The components behind ``kg``: the tests look at its store and vectors directly."""
    components = build_components(Settings(data_dir=tmp_path / "data", graph=backend))
    yield components
    components.close()


@pytest.fixture
def kg(parts: Components) -> KGQA:
    return KGQA(parts)


def snapshot(parts: Components) -> dict:
    return {
        "stats": {k: v for k, v in KGQA(parts).stats().items()},
        "chunks": sorted(c.id for page in parts.store.iter_chunks() for c in page),
        "entities": sorted(e.id for page in parts.store.iter_entities() for e in page),
        "vectors": {
            "passages": sorted(i for ix in parts.vectors.all_passage_indexes() for i in ix.ids()),
            "entities": sorted(i for ix in parts.vectors.all_entity_indexes() for i in ix.ids()),
            "sentences": sorted(i for ix in parts.vectors.all_sentence_indexes() for i in ix.ids()),
        },
    }


def sentences_of_stored_chunks(parts: Components) -> list[str]:
    return sorted(chunk_sentences(c for page in parts.store.iter_chunks() for c in page)[0])


def test_reingest_changes_nothing_and_vectors_match_the_graph(kg: KGQA, parts: Components) -> None:
    first = kg.ingest([SAMPLES / "docs"])
    assert first.documents_written == 6 and first.entities > 20 and first.relations > 50
    before = snapshot(parts)
    assert before["vectors"]["passages"] == before["chunks"]
    assert set(before["vectors"]["entities"]) == set(before["entities"])
    assert before["vectors"]["sentences"] == sentences_of_stored_chunks(parts)
    again = kg.ingest([SAMPLES / "docs"])
    assert again.documents_written == 0 and again.documents_unchanged == 6
    assert snapshot(parts) == before


def test_a_changed_document_replaces_its_content(
    kg: KGQA, parts: Components, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "city.txt"
    doc.write_text(
        "Kraków is a city in Poland. Kraków was the capital of Poland.", encoding="utf-8"
    )
    (folder / "other.txt").write_text("Gdańsk is a port in Poland.", encoding="utf-8")
    kg.ingest([folder])
    krakow = entity_id("kraków")
    assert parts.store.get_entities([krakow])
    doc.write_text("Lublin is a city in eastern Poland.", encoding="utf-8")
    report = kg.ingest([folder])
    # A file's id is its path below the ingested folder: the edit replaces the old version.
    assert report.documents_written == 1 and report.documents_unchanged == 1
    assert sorted(d.id for d in kg.list_documents()) == [
        "file:docs/city.txt",
        "file:docs/other.txt",
    ]
    assert parts.store.get_entities([krakow]) == []
    state = snapshot(parts)
    assert state["vectors"]["passages"] == state["chunks"]
    assert set(state["vectors"]["entities"]) == set(state["entities"])
    # The new text's sentences have vectors, the old text's (same chunk id) none any more.
    assert state["vectors"]["sentences"] == sentences_of_stored_chunks(parts)


def test_jsonl_ids_make_updates_replace_and_deletes_clean_up(
    kg: KGQA, parts: Components, tmp_path: Path
) -> None:
    path = tmp_path / "docs.jsonl"
    rows = [
        {"id": "a", "title": "Kraków", "text": "Kraków is a city in Poland. Kraków hosts Wawel."},
        {"id": "b", "title": "Gdańsk", "text": "Gdańsk is a port in Poland."},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    kg.ingest([path])
    wawel = entity_id("wawel")
    assert parts.store.get_entities([wawel])
    rows[0]["text"] = "Kraków is a city in southern Poland."
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = kg.ingest([path])
    assert report.documents_written == 1 and report.documents_unchanged == 1
    # Wawel was only supported by the old version of "a": gone from graph and vectors.
    assert parts.store.get_entities([wawel]) == []
    assert all(wawel not in ix for ix in parts.vectors.all_entity_indexes())
    state = snapshot(parts)
    assert state["stats"]["documents"] == 2 and state["vectors"]["passages"] == state["chunks"]

    removed = kg.delete_documents(["a"])
    assert removed.documents == ["a"] and removed.chunks == ["a#0"]
    state = snapshot(parts)
    assert state["chunks"] == ["b#0"] and state["vectors"]["passages"] == ["b#0"]
    assert entity_id("kraków") not in state["entities"]  # only "a" mentioned it
    assert entity_id("poland") in state["entities"]  # "b" still does
    assert set(state["vectors"]["entities"]) == set(state["entities"])


def test_triples_import_is_idempotent_and_answers_paths(
    kg: KGQA, parts: Components, tmp_path: Path
) -> None:
    kb = tmp_path / "kb.txt"
    kb.write_text(
        "frederica_of_mecklenburg-strelitz|spouse|ernest_augustus_i_of_hanover\n"
        "ernest_augustus_i_of_hanover|nationality|united_kingdom\n"
        "broken line without separators\n",
        encoding="utf-8",
    )
    report = kg.ingest_triples([kb])
    assert report.relations == 2 and [p.line for p in report.problems] == [3]
    state = snapshot(parts)
    assert state["stats"]["relations"] == 2 and len(state["vectors"]["entities"]) == 3
    again = kg.ingest_triples([kb])
    assert again.documents_unchanged == 1 and snapshot(parts) == state
    facts = parts.store.relations_of([entity_id("frederica of mecklenburg strelitz")], 10)
    assert [(f.predicate, f.kind) for f in facts] == [("spouse", "kb")]
    evidence = kg.retrieve("which nationality is frederica_of_mecklenburg-strelitz 's couple ?")
    assert evidence.kb_answers[0].name == "united_kingdom"
    assert evidence.kb_answers[0].relations == ("spouse", "nationality")


def test_bad_inputs_are_reported_and_the_rest_goes_in(kg: KGQA, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text("Vienna is the capital of Austria.", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)))
    (folder / "latin1.txt").write_bytes("Zürich".encode("latin-1"))
    (folder / "empty.md").write_text("")
    (folder / "lines.jsonl").write_text('{"text": "Bern is in Switzerland."}\n{oops\n')
    report = kg.ingest([folder])
    assert report.documents_written == 2
    problems = {(Path(p.source).name, p.line) for p in report.problems}
    assert problems == {
        ("binary.txt", None),
        ("latin1.txt", None),
        ("empty.md", None),
        ("lines.jsonl", 2),
    }
    assert kg.stats()["documents"] == 2


def assert_same_store(actual: dict, expected: dict) -> None:
    """Equal snapshots, or a message naming what differs (ids missing or extra)."""
    problems = []
    if actual["stats"] != expected["stats"]:
        problems.append(f"stats {actual['stats']} != {expected['stats']}")
    for part in ("chunks", "entities"):
        missing = sorted(set(expected[part]) - set(actual[part]))
        extra = sorted(set(actual[part]) - set(expected[part]))
        if missing or extra:
            problems.append(f"{part}: missing {missing[:10]}, extra {extra[:10]}")
    for part in ("passages", "entities"):
        if actual["vectors"][part] != expected["vectors"][part]:
            a, e = set(actual["vectors"][part]), set(expected["vectors"][part])
            problems.append(
                f"{part} vectors: missing {sorted(e - a)[:10]}, extra {sorted(a - e)[:10]}"
            )
    assert not problems, "; ".join(problems)


def _corpus(path: Path, n: int, shared: Path) -> Path:
    passages = json.loads((shared / "2wiki" / "corpus.json").read_text())[:n]
    lines = [
        json.dumps({"id": f"p{i}", "title": p["title"], "text": p["text"]}, ensure_ascii=False)
        for i, p in enumerate(passages)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _ingest_cmd(corpus: Path, data_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kgqa.cli.main",
        "ingest",
        str(corpus),
        "--data-dir",
        str(data_dir),
    ]


def _env(graph: dict) -> dict[str, str]:
    env = {**os.environ, "KGQA_INGEST__BATCH_DOCUMENTS": "10", "HF_HUB_OFFLINE": "1"}
    for key, value in graph.items():
        env[f"KGQA_GRAPH__{key.upper()}"] = str(value)
    return env


@contextmanager
def _open(data_dir: Path, graph: dict) -> Iterator[Components]:
    components = build_components(Settings(data_dir=data_dir, graph=graph))
    try:
        yield components
    finally:
        components.close()


@pytest.mark.slow
def test_kill_9_then_rerun_equals_an_uninterrupted_run(
    backend: dict, tmp_path: Path, shared_data: Path, neo4j_driver_if_needed
) -> None:
    corpus = _corpus(tmp_path / "corpus.jsonl", 80, shared_data)
    env = _env(backend)
    clean = tmp_path / "clean"
    subprocess.run(_ingest_cmd(corpus, clean), env=env, check=True, capture_output=True)
    with _open(clean, backend) as parts:
        expected = snapshot(parts)
    assert expected["stats"]["documents"] == 80
    neo4j_driver_if_needed(backend)  # empty the shared Neo4j database between the two runs

    crashed = tmp_path / "crashed"
    proc = subprocess.Popen(_ingest_cmd(corpus, crashed), env=env, stderr=subprocess.DEVNULL)
    # Kill once some batches are committed but not all.
    _wait_for_first_batch(crashed, backend)
    time.sleep(random.uniform(0.5, 3.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with _open(crashed, backend) as parts:
        partial = KGQA(parts).stats()["documents"]
    assert partial < 80, "the run finished before the kill; the test proved nothing"
    rerun = subprocess.run(_ingest_cmd(corpus, crashed), env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    with _open(crashed, backend) as parts:
        assert_same_store(snapshot(parts), expected)


def _wait_for_first_batch(data_dir: Path, graph: dict, timeout_s: float = 120) -> None:
    """Until a running ``kgqa ingest`` has committed its first batch. On the embedded store the
    journal appears with that write (and stays until the vectors are saved at the end). On
    Neo4j the vectors commit with the graph, so there is no journal: the test asserts it
    never appears and watches the graph's documents instead."""
    journal = data_dir / "vectors" / "ingest-journal.json"
    deadline = time.monotonic() + timeout_s
    if graph["backend"] != "neo4j":
        while time.monotonic() < deadline and not journal.exists():
            time.sleep(0.05)
        assert journal.exists(), "no batch was committed in time"
        return
    import neo4j

    auth = (graph["user"], graph["password"])
    with neo4j.GraphDatabase.driver(graph["uri"], auth=auth) as driver:
        while time.monotonic() < deadline:
            records, _, _ = driver.execute_query(
                "MATCH (d:Document) RETURN count(d) AS n", database_=graph["database"]
            )
            if records[0]["n"] > 0:
                break
            time.sleep(0.05)
    assert not journal.exists(), "a journal was written though Neo4j's vectors are transactional"


@pytest.fixture
def neo4j_driver_if_needed(request):
    def clear(graph: dict) -> None:
        if graph["backend"] == "neo4j":
            driver = request.getfixturevalue("neo4j_driver")
            driver.execute_query("MATCH (n) DETACH DELETE n", database_=graph["database"])

    return clear


@pytest.mark.neo4j
@pytest.mark.slow
def test_neo4j_stopped_mid_run_then_restarted(tmp_path: Path, shared_data: Path) -> None:
    from kgqa.graph.neo4j_server import Neo4jServer, free_port

    corpus = _corpus(tmp_path / "corpus.jsonl", 60, shared_data)
    server = Neo4jServer(home=tmp_path / "neo4j", port=free_port(), password="restart-pw-1")
    uri = server.start()
    graph = {
        "backend": "neo4j",
        "uri": uri,
        "user": "neo4j",
        "password": "restart-pw-1",
        "database": "neo4j",
    }
    try:
        clean = tmp_path / "clean"
        subprocess.run(_ingest_cmd(corpus, clean), env=_env(graph), check=True, capture_output=True)
        with _open(clean, graph) as parts:
            expected = snapshot(parts)
        import neo4j

        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "restart-pw-1")) as driver:
            driver.execute_query("MATCH (n) DETACH DELETE n", database_="neo4j")

        data = tmp_path / "interrupted"
        proc = subprocess.Popen(
            _ingest_cmd(corpus, data), env=_env(graph), stderr=subprocess.PIPE, text=True
        )
        _wait_for_first_batch(data, graph)
        time.sleep(1.0)
        server.stop()  # the database goes away mid-run
        _, stderr = proc.communicate(timeout=180)
        assert proc.returncode == 2, stderr[-2000:]
        assert "Neo4j" in stderr
        server.start()
        rerun = subprocess.run(
            _ingest_cmd(corpus, data), env=_env(graph), capture_output=True, text=True
        )
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        with _open(data, graph) as parts:
            assert_same_store(snapshot(parts), expected)
    finally:
        server.stop()


def test_a_store_without_sentence_vectors_gets_them_on_the_next_ingest(
    backend: dict, tmp_path: Path
) -> None:
    """A store made before sentence vectors: re-ingesting skips its unchanged documents, and
    the sentences of its chunks are embedded once, before."""
    data = tmp_path / "data"
    old = build_components(
        Settings(data_dir=data, graph=backend, ingest={"sentence_vectors": False})
    )
    KGQA(old).ingest([SAMPLES / "docs"])
    assert snapshot(old)["vectors"]["sentences"] == []
    old.close()
    parts = build_components(Settings(data_dir=data, graph=backend))
    try:
        report = KGQA(parts).ingest([SAMPLES / "docs"])
        assert report.documents_written == 0 and report.documents_unchanged == 6
        stored = sentences_of_stored_chunks(parts)
        assert stored and snapshot(parts)["vectors"]["sentences"] == stored
        index = parts.vectors.sentences("all-MiniLM-L6-v2", 384)
        assert index is not None and len(index) == len(stored)
    finally:
        parts.close()
