"""Every .cypher file is parsed and planned by the real engine it is meant for."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgqa.graph.cypher import all_query_files, cypher_dir, load_query

pytestmark = pytest.mark.integration

SHARED = sorted(p for p in cypher_dir().glob("*.cypher"))


def _statements(dialect: str) -> list[tuple[str, str]]:
    """(name, text) of each statement as the dialect's store would load it."""
    names = {p.stem for p in SHARED} | {p.stem for p in (cypher_dir() / dialect).glob("*.cypher")}
    return [(n, load_query(dialect, n)) for n in sorted(names)]


def test_every_file_is_one_parameterised_statement() -> None:
    files = all_query_files()
    assert len(files) > 40
    for path in files:
        text = path.read_text(encoding="utf-8").strip()
        assert text, path
        assert text.rstrip(";").count(";") == 0, f"{path} holds more than one statement"
        # Values go in as $params; no Python format placeholders can sneak in.
        assert "{}" not in text and "%s" not in text, path


@pytest.mark.parametrize("name_text", _statements("ladybug"), ids=lambda nt: nt[0])
def test_ladybug_plans_every_statement(name_text: tuple[str, str], tmp_path: Path) -> None:
    from kgqa.graph.embedded import LadybugGraphStore

    name, text = name_text
    store = LadybugGraphStore(tmp_path / "g.lbug")
    store.open()
    try:
        store.init_schema()
        if name.startswith("schema_"):
            store._run_schema(text)  # idempotent: running it again must succeed
        else:
            prepared = store._connection().prepare(text)
            assert prepared.is_success(), prepared.get_error_message()
    finally:
        store.close()


@pytest.mark.neo4j
def test_neo4j_plans_every_statement(neo4j_driver, neo4j_uri_and_auth) -> None:
    database = neo4j_uri_and_auth[3]
    for name, text in _statements("neo4j"):
        if name.startswith("schema_"):
            neo4j_driver.execute_query(text, database_=database)
        else:
            neo4j_driver.execute_query("EXPLAIN " + text, database_=database)
