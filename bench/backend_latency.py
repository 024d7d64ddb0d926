"""Retrieval latency of the Neo4j server store against the embedded store, same 2Wiki passages,
same questions, same run (issue 17 part 4: Neo4j p50 within 1.5x of embedded).

    python bench/backend_latency.py --passages 1500 --questions 300 \
        --neo4j-uri bolt://127.0.0.1:7687 --neo4j-password PW

The embedded store lives under ``--store`` (reused across runs: re-ingesting unchanged passages
is a no-op); the Neo4j database is emptied and filled unless ``--keep-neo4j``. Both stores are
built by the same ingest code with the same models. The questions alternate between the two
stores, question by question, so machine noise hits both alike. Prints one JSON line with p50 /
p95 of graph-fused and dense-only retrieval on each store, the ratios, the mean time of each
retrieval stage, and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DATA, require, wiki2_documents  # noqa: E402

from kgqa.api import KGQA  # noqa: E402
from kgqa.settings import Settings  # noqa: E402

TARGET_RATIO = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("kgqa-data/bench-backends"))
    parser.add_argument("--passages", type=int, default=1500)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--neo4j-password", default=os.environ.get("KGQA_GRAPH__PASSWORD", ""))
    parser.add_argument("--keep-neo4j", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()

    questions = json.loads(require(DATA / "2wiki" / "questions.json").read_text())
    questions = [q["question"] for q in questions[: args.questions]]
    docs = wiki2_documents(args.passages)
    load_before = os.getloadavg()
    neo4j_graph = {"backend": "neo4j", "uri": args.neo4j_uri, "password": args.neo4j_password}
    stores = {
        "embedded": Settings(data_dir=args.store / "embedded"),
        "neo4j": Settings(data_dir=args.store / "neo4j-side", graph=neo4j_graph),
    }
    kgs: dict[str, KGQA] = {}
    ingest_s: dict[str, float] = {}
    try:
        for name, settings in stores.items():
            kg = kgs[name] = KGQA.open(settings)
            if name == "neo4j" and not args.keep_neo4j:
                empty_neo4j(kg)
            started = time.perf_counter()
            kg.ingest_documents(docs)
            ingest_s[name] = round(time.perf_counter() - started, 1)
            for dense_only in (False, True):
                kg.retrieve("warm-up: where was Marie Curie born?", dense_only=dense_only)
        latencies = {f"{n}_{s}": [] for n in kgs for s in ("full", "dense")}
        stages: dict[str, dict[str, list[float]]] = {n: {} for n in kgs}
        for question in questions:
            for name, kg in kgs.items():
                for system in ("dense", "full"):
                    started = time.perf_counter()
                    evidence = kg.retrieve(question, top_k=5, dense_only=system == "dense")
                    latencies[f"{name}_{system}"].append((time.perf_counter() - started) * 1000)
                    if system == "full":
                        for stage, ms in evidence.timings_ms.items():
                            stages[name].setdefault(stage, []).append(ms)
        counts = {n: kg.stats() for n, kg in kgs.items()}
    finally:
        for kg in kgs.values():
            kg.close()

    def p(key: str, q: float) -> float:
        return round(float(np.percentile(latencies[key], q)), 1)

    result = {
        "bench": "backend_latency",
        "questions": len(questions),
        "passages": args.passages,
        "stores": {
            n: {k: c[k] for k in ("chunks", "entities", "relations")} for n, c in counts.items()
        },
        "vectors": {n: c["vectors"] for n, c in counts.items()},
        "ingest_s": ingest_s,
        **{f"{key}_p50_ms": p(key, 50) for key in latencies},
        **{f"{key}_p95_ms": p(key, 95) for key in latencies},
        "ratio_full_p50": round(p("neo4j_full", 50) / p("embedded_full", 50), 2),
        "ratio_dense_p50": round(p("neo4j_dense", 50) / p("embedded_dense", 50), 2),
        "stage_mean_ms": {
            n: {k: round(float(np.mean(v)), 1) for k, v in s.items()} for n, s in stages.items()
        },
        "target_ratio": TARGET_RATIO,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result))


def empty_neo4j(kg: KGQA) -> None:
    """Delete every document through the API (so vectors and full-text go with them)."""
    while True:
        ids = [d.id for d in kg.list_documents(0, 1000)]
        if not ids:
            return
        kg.delete_documents(ids)


if __name__ == "__main__":
    main()
