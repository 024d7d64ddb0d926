"""Ingest throughput: the full write path against a dense-only baseline on the same chunks.

    python bench/ingest_throughput.py --corpus 2wiki                       # 6,119 English passages
    python bench/ingest_throughput.py --corpus news --limit 2000           # Chinese news articles
    python bench/ingest_throughput.py --corpus 2wiki --backend neo4j       # starts a local Neo4j
    python bench/ingest_throughput.py --corpus 2wiki --baseline-ref 5909af1  # before/after
    python bench/ingest_throughput.py --limit 200 --baseline-ref 5909af1 --rounds 4 --skip-full
    python bench/ingest_throughput.py --corpus 2wiki --limit 1500 --workers 1,2  # fan-out

Prints one JSON line per worker count: documents/s, chunks, entities, relations and peak RSS of
the full ingest (``--workers N``: N processes for NER/parse/embedding, ingest/workers.py; their
model loading is inside the time, as a user pays it), the seconds of the dense-only baseline
(chunk + embed + FAISS, nothing else, one process) measured in the same run with the same
warmed-up embedder, their ratio (issue 17's target: <= 1.5), the speed-up over the first worker
count, and the load average before and after (the machine is shared). With
``--baseline-ref``, first one more line: the same corpus ingested (embedded store) by this
checkout and by that commit's code, each in its own subprocess after its models are loaded, and
the ratio of their times (issue 20's target: <= 1.2).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline_code import REPO, export_ref, run_python  # noqa: E402
from corpora import news_documents, wiki2_documents  # noqa: E402

from ingest.build import make_chunker  # noqa: E402
from ingest.pipeline import passage_text  # noqa: E402
from kgqa.api import KGQA  # noqa: E402
from kgqa.embedding.factory import Embedders  # noqa: E402
from kgqa.settings import Settings  # noqa: E402
from kgqa.vectors.faiss import FaissVectorIndex  # noqa: E402
from kgqa.wiring import build_components  # noqa: E402


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def dense_only_seconds(
    embedders: Embedders, settings: Settings, documents: list, work: Path
) -> tuple[float, int]:
    """Chunk, embed and add to a FAISS index: what a dense-only RAG system does at ingest."""
    started = time.perf_counter()
    count = 0
    by_lang: dict[str, list] = {}
    for doc in documents:
        by_lang.setdefault(doc.lang, []).append(doc)
    for lang, docs in by_lang.items():
        embedder = embedders.for_language(lang)
        index = FaissVectorIndex(work / f"dense-{lang}.faiss", embedder.dim)
        chunker = make_chunker(settings.ingest, lang)  # the same chunking as the full path
        for i in range(0, len(docs), settings.ingest.batch_documents):
            ids, texts = [], []
            for doc in docs[i : i + settings.ingest.batch_documents]:
                for chunk in chunker.chunk(doc):
                    ids.append(chunk.id)
                    texts.append(passage_text(doc.title, chunk.text))
            index.add(ids, embedder.embed(texts, kind="passage"))
            count += len(ids)
        index.save()
    return time.perf_counter() - started, count


def empty_neo4j(graph: dict) -> None:
    import neo4j

    auth = ("neo4j", graph["password"])
    with neo4j.GraphDatabase.driver(graph["uri"], auth=auth) as driver, driver.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")


def compare_code(ref: str, documents: list, work: Path, rounds: int = 1) -> None:
    """Time the full ingest of ``documents`` by ``ref``'s code and by this checkout's, ``rounds``
    times, alternating which goes first (so a load that drifts during the run weighs on both
    alike); the ratio is of the median times."""
    from fact_quality import INGEST  # the same timed ingest, runnable by either code

    rows_file = work / "documents.json"
    rows_file.write_text(json.dumps([{"title": d.title, "text": d.text} for d in documents]))
    codes = {"baseline": export_ref(ref, work / "baseline-code"), "current": REPO}
    seconds: dict[str, list[float]] = {"baseline": [], "current": []}
    for n in range(rounds):
        order = ("baseline", "current") if n % 2 == 0 else ("current", "baseline")
        for name in order:
            out = run_python(codes[name], INGEST, str(work / f"compare-{name}-{n}"), str(rows_file))
            seconds[name].append(json.loads(out.splitlines()[-1])["ingest_s"])
    baseline_s, current_s = (
        statistics.median(seconds["baseline"]),
        statistics.median(seconds["current"]),
    )
    print(
        json.dumps(
            {
                "bench": "ingest_compare",
                "baseline_ref": ref,
                "documents": len(documents),
                "rounds": rounds,
                "baseline_s": baseline_s,
                "current_s": current_s,
                "baseline_each_s": seconds["baseline"],
                "current_each_s": seconds["current"],
                "ratio_current_to_baseline": round(current_s / baseline_s, 2),
                "target_ratio": 1.2,
                "load_avg_1m": round(os.getloadavg()[0], 1),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["2wiki", "news"], default="2wiki")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    parser.add_argument("--neo4j-uri", help="use this Neo4j instead of starting one")
    parser.add_argument("--neo4j-password", default="kgqa-bench-pw")
    parser.add_argument("--baseline-ref", help="also time this commit's ingest (git ref)")
    parser.add_argument("--workers", default="1", help="worker counts to time, e.g. 1,2")
    parser.add_argument(
        "--skip-full", action="store_true", help="with --baseline-ref: only the before/after line"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="with --baseline-ref: timed ingests of each code"
    )
    args = parser.parse_args()

    if args.corpus == "2wiki":
        documents = wiki2_documents(args.limit)
    else:
        documents = news_documents(args.limit or 2000)
    work = Path(tempfile.mkdtemp(prefix="kgqa-bench-ingest-"))
    if args.baseline_ref:
        if args.corpus != "2wiki":
            raise SystemExit("--baseline-ref compares 2Wiki ingests only")
        compare_code(args.baseline_ref, documents, work, args.rounds)
        if args.skip_full:
            return
    graph: dict = {"backend": "embedded"}
    server = None
    if args.backend == "neo4j":
        if args.neo4j_uri:
            uri = args.neo4j_uri
        else:
            from kgqa.graph.neo4j_server import Neo4jServer, free_port

            server = Neo4jServer(work / "neo4j", port=free_port(), password=args.neo4j_password)
            uri = server.start()
        graph = {"backend": "neo4j", "uri": uri, "password": args.neo4j_password}
    counts = [int(n) for n in args.workers.split(",")]
    runs: list[dict] = []
    try:
        embedders = Embedders(Settings().models)
        for lang in {d.lang for d in documents}:
            embedders.for_language(lang).warm_up()  # every run starts with a loaded model
        for n in counts:
            if args.backend == "neo4j":
                empty_neo4j(graph)  # each worker count ingests into an empty database
            settings = Settings(data_dir=work / f"data-{n}", graph=graph, ingest={"workers": n})
            load_before = os.getloadavg()
            with KGQA(build_components(settings, embedders)) as kg:
                started = time.perf_counter()
                report = kg.ingest_documents(documents)
                full_s = time.perf_counter() - started
                stats = kg.stats()
            runs.append(
                {
                    "workers": n,
                    "full_s": full_s,
                    "stats": stats,
                    "report": report,
                    "rss": peak_rss_mb(),
                    "load": (load_before, os.getloadavg()),
                }
            )
        dense_s, dense_chunks = dense_only_seconds(embedders, Settings(), documents, work)
    finally:
        if server is not None:
            server.stop()

    for run in runs:
        stats, full_s = run["stats"], run["full_s"]
        print(
            json.dumps(
                {
                    "bench": "ingest",
                    "corpus": args.corpus,
                    "backend": args.backend,
                    "documents": len(documents),
                    "workers": run["workers"],
                    "full_s": round(full_s, 1),
                    "documents_per_s": round(len(documents) / full_s, 1),
                    "speedup_vs_first": round(runs[0]["full_s"] / full_s, 2),
                    "chunks": stats["chunks"],
                    "entities": stats["entities"],
                    "relations": stats["relations"],
                    "mentions": stats["mentions"],
                    "failed": run["report"].documents_failed,
                    "peak_rss_mb": run["rss"],
                    "dense_only_s": round(dense_s, 1),
                    "dense_only_chunks": dense_chunks,
                    "ratio_full_to_dense": round(full_s / dense_s, 2),
                    "target_ratio": 1.5,
                    "load_avg_before": [round(x, 1) for x in run["load"][0]],
                    "load_avg_after": [round(x, 1) for x in run["load"][1]],
                    "cores": os.cpu_count(),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
