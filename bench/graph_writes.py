"""Graph writes: batched UNWIND transactions against one row per transaction, same rows, same run.

    python bench/graph_writes.py --backend neo4j --documents 1000
    python bench/graph_writes.py --backend embedded

The relations come from real extraction (spaCy + resolution) of 2Wiki passages. Both modes run
the same `cypher/create_relations.cypher` on a fresh store that already holds the entities:
"batched" in the store's UNWIND batches of ``write_batch_rows`` in one transaction (``--rounds``
times; the median is reported), "single" one row per transaction. ``--warmup`` batched rounds
run first and are not counted: a fresh Neo4j JVM writes the same rows 2-4x slower in its first
rounds than once its query code is compiled (27k relations, 2026-12-02: 1.9k, 3.3k, then 7.0k
rel/s in successive rounds at load 10), and a server that ingests is a warm one. Prints one
JSON line with relationships/s of each mode, their ratio (targets: >= 20x, and >= 20k
relationships/s batched on local Neo4j) and the load average, without which a rate on a shared
machine means little.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import wiki2_documents  # noqa: E402

from ingest.build import make_chunker  # noqa: E402
from ingest.extract.spacy_en import SpacyEntityExtractor  # noqa: E402
from ingest.resolve import EntityResolver  # noqa: E402
from kgqa.domain import GraphBatch  # noqa: E402
from kgqa.graph.cypher_store import CypherGraphStore, _relation_row  # noqa: E402
from kgqa.graph.factory import open_graph_store  # noqa: E402
from kgqa.settings import Settings  # noqa: E402


def extracted_batch(n_docs: int) -> GraphBatch:
    settings = Settings()
    docs = wiki2_documents(n_docs)
    chunker = make_chunker(settings.ingest, "en")
    chunks = [c for d in docs for c in chunker.chunk(d)]
    extractions = SpacyEntityExtractor(settings.models.ner_en).extract(
        chunks, {d.id: d.title for d in docs}
    )
    resolved = EntityResolver().resolve(extractions)
    return GraphBatch(docs, chunks, resolved.entities, resolved.mentions, resolved.relations)


def fresh_store(settings: Settings, batch: GraphBatch) -> CypherGraphStore:
    store = open_graph_store(settings)
    if settings.graph.backend == "neo4j":
        with store._write_transaction() as tx:  # noqa: SLF001 - benchmark set-up
            tx.run("MATCH (n) DETACH DELETE n", {})
    store.write(GraphBatch(batch.documents, batch.chunks, batch.entities, batch.mentions, []))
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--single-rows", type=int, default=2000, help="rows written one by one")
    parser.add_argument("--rounds", type=int, default=2, help="batched runs (median reported)")
    parser.add_argument(
        "--warmup", type=int, default=2, help="batched runs before the timed ones, not counted"
    )
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--neo4j-password", default="kgqa-bench-pw")
    args = parser.parse_args()

    batch = extracted_batch(args.documents)
    rows = [_relation_row(r) for r in batch.relations]
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="kgqa-bench-writes-"))
    server = None
    graph: dict = {"backend": "embedded"}
    if args.backend == "neo4j":
        uri = args.neo4j_uri
        if not uri:
            from kgqa.graph.neo4j_server import Neo4jServer, free_port

            server = Neo4jServer(work / "neo4j", port=free_port(), password=args.neo4j_password)
            uri = server.start()
        graph = {"backend": "neo4j", "uri": uri, "password": args.neo4j_password}
    try:
        rates: dict[str, list[float]] = {"batched": [], "single": []}
        written: dict[str, int] = {}
        for mode in ["warmup"] * args.warmup + ["batched"] * args.rounds + ["single"]:
            settings = Settings(data_dir=work / mode, graph=graph)
            store = fresh_store(settings, batch)
            subset = rows if mode != "single" else rows[: args.single_rows]
            started = time.perf_counter()
            query = store._q("create_relations")  # noqa: SLF001 - the production statement
            if mode != "single":
                with store._write_transaction() as tx:  # noqa: SLF001
                    store._unwind(tx, "create_relations", subset)  # noqa: SLF001
            else:
                for row in subset:
                    with store._write_transaction() as tx:  # noqa: SLF001
                        tx.run(query, {"rows": [row]})
            seconds = time.perf_counter() - started
            written[mode] = store.stats().relations
            store.close()
            rates.setdefault(mode, []).append(len(subset) / seconds)
    finally:
        if server is not None:
            server.stop()

    batched = statistics.median(rates["batched"])
    single = rates["single"][0]
    print(
        json.dumps(
            {
                "bench": "graph_writes",
                "backend": args.backend,
                "relationships": len(rows),
                "batched_rel_per_s": round(batched),
                "rounds": {k: [round(x) for x in v] for k, v in rates.items()},
                "single_rel_per_s": round(single, 1),
                "single_rows_timed": min(args.single_rows, len(rows)),
                "speedup": round(batched / single, 1),
                "target_speedup": 20,
                "target_rel_per_s": 20_000,
                "written_check": written,
                "loadavg_before": [round(x, 2) for x in load_before],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


if __name__ == "__main__":
    main()
