"""Graph writes: batched UNWIND transactions against one row per transaction, same rows, same run.

    python bench/graph_writes.py --backend neo4j --documents 1000
    python bench/graph_writes.py --backend embedded

The relations come from real extraction (spaCy + resolution) of 2Wiki passages. Each mode writes
them on a fresh store that already holds the entities, through the store's own
``_create_relations`` (what ``GraphStore.write`` runs for a batch's relations): "batched" in the
store's UNWIND batches of ``write_batch_rows`` in one transaction (``--rounds`` times; the
median is reported), "single" one relation per transaction. "shared_statement" rounds,
alternating with the batched ones, run the shared `cypher/create_relations.cypher` with one map
per row (what the Neo4j store ran before it had its own statement, and Ladybug still runs): the
before/after of that change in one run. ``--warmup`` batched rounds run first and are not
counted: a fresh Neo4j JVM writes the same rows 2-4x slower in its first rounds than once its
query code is compiled (27k relations, 2026-12-02: 1.9k, 3.3k, then 7.0k rel/s in successive
rounds at load 10), and a server that ingests is a warm one.

Prints one JSON line with relationships/s of each mode, their ratio (targets: >= 20x, and >= 20k
relationships/s batched on local Neo4j) and the load average, without which a rate on a shared
machine means little. With a Neo4j started here it also reports the CPU seconds the Neo4j
process spent in each round, and relationships per such second: on a machine whose cores are
shared with other jobs the wall-clock rate mostly says how much CPU the server got, while the
CPU rate is what one free core would sustain for the server's side of the work.
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
from kgqa.graph.cypher import cypher_dir  # noqa: E402
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
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="batched runs, each followed by a shared-statement one (medians reported)",
    )
    parser.add_argument(
        "--warmup", type=int, default=2, help="batched runs before the timed ones, not counted"
    )
    parser.add_argument("--neo4j-uri")
    parser.add_argument("--neo4j-password", default="kgqa-bench-pw")
    args = parser.parse_args()

    batch = extracted_batch(args.documents)
    relations = batch.relations
    # The statement the Neo4j store ran before cypher/neo4j/create_relations.cypher, one map a row.
    shared_query = (cypher_dir() / "create_relations.cypher").read_text(encoding="utf-8")
    shared_rows = [_relation_row(r) for r in relations]
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
    timed = ["batched", "shared_statement"] * args.rounds
    try:
        rates: dict[str, list[float]] = {"batched": [], "shared_statement": [], "single": []}
        cpu_rates: dict[str, list[float]] = {}
        written: dict[str, int] = {}
        for mode in ["warmup"] * args.warmup + timed + ["single"]:
            settings = Settings(data_dir=work / mode, graph=graph)
            store = fresh_store(settings, batch)
            subset = relations if mode != "single" else relations[: args.single_rows]
            cpu_before = server_cpu_s(server)
            started = time.perf_counter()
            if mode == "single":
                for relation in subset:
                    with store._write_transaction() as tx:  # noqa: SLF001
                        store._create_relations(tx, [relation])  # noqa: SLF001
            elif mode == "shared_statement":
                with store._write_transaction() as tx:  # noqa: SLF001
                    step = settings.graph.write_batch_rows
                    for i in range(0, len(shared_rows), step):
                        tx.run(shared_query, {"rows": shared_rows[i : i + step]})
            else:
                with store._write_transaction() as tx:  # noqa: SLF001 - the production path
                    store._create_relations(tx, subset)  # noqa: SLF001
            seconds = time.perf_counter() - started
            cpu_s = server_cpu_s(server) - cpu_before
            written[mode] = store.stats().relations
            store.close()
            rates.setdefault(mode, []).append(len(subset) / seconds)
            if server is not None and cpu_s > 0:
                cpu_rates.setdefault(mode, []).append(len(subset) / cpu_s)
    finally:
        if server is not None:
            server.stop()

    batched = statistics.median(rates["batched"])
    shared = statistics.median(rates["shared_statement"])
    single = rates["single"][0]
    cpu_medians = {k: round(statistics.median(v)) for k, v in cpu_rates.items()}
    print(
        json.dumps(
            {
                "bench": "graph_writes",
                "backend": args.backend,
                "relationships": len(relations),
                "batched_rel_per_s": round(batched),
                "shared_statement_rel_per_s": round(shared),
                "batched_vs_shared_statement": round(batched / shared, 2),
                "server_cpu_rel_per_s": cpu_medians,
                "rounds": {k: [round(x) for x in v] for k, v in rates.items()},
                "server_cpu_rounds": {k: [round(x) for x in v] for k, v in cpu_rates.items()},
                "single_rel_per_s": round(single, 1),
                "single_rows_timed": min(args.single_rows, len(relations)),
                "speedup": round(batched / single, 1),
                "target_speedup": 20,
                "target_rel_per_s": 20_000,
                "written_check": written,
                "loadavg_before": [round(x, 2) for x in load_before],
                "loadavg_after": [round(x, 2) for x in os.getloadavg()],
            }
        )
    )


def server_cpu_s(server: object) -> float:
    """CPU seconds (user + system, all threads) of the Neo4j process started here; 0 without."""
    process = getattr(server, "_process", None)
    if process is None:
        return 0.0
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
