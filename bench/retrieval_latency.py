"""Retrieval latency on 2Wiki: graph-fused against dense-only, same store, same questions.

    python bench/retrieval_latency.py --store kgqa-data/bench-2wiki   # ingests the corpus once
    python bench/retrieval_latency.py --store DIR --backend neo4j --neo4j-uri bolt://...

The store directory is reused across runs (re-ingesting unchanged passages is a no-op). The two
systems alternate question by question so machine noise hits both alike. Prints one JSON line:
p50/p95 of each and the ratio (targets: full p50 <= 50 ms, p95 <= 150 ms, <= 3x dense-only).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import DATA, require, wiki2_documents  # noqa: E402

from kgqa.api import KGQA  # noqa: E402
from kgqa.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("kgqa-data/bench-2wiki"))
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument(
        "--passages",
        type=int,
        default=None,
        help="Ingest only the first N passages (a quick store).",
    )
    parser.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded")
    parser.add_argument("--neo4j-uri", default="bolt://127.0.0.1:7687")
    parser.add_argument("--neo4j-password", help="default: KGQA_GRAPH__PASSWORD")
    args = parser.parse_args()

    graph: dict = {"backend": args.backend}
    if args.backend == "neo4j":
        graph["uri"] = args.neo4j_uri
        if args.neo4j_password:
            graph["password"] = args.neo4j_password
    questions = json.loads(require(DATA / "2wiki" / "questions.json").read_text())
    questions = [q["question"] for q in questions[: args.questions]]
    with KGQA.open(Settings(data_dir=args.store, graph=graph)) as kg:
        report = kg.ingest_documents(wiki2_documents(args.passages))
        kg.retrieve("warm-up: where was Marie Curie born?")
        kg.retrieve("warm-up: where was Marie Curie born?", dense_only=True)
        latencies: dict[str, list[float]] = {"full": [], "dense": []}
        stages: dict[str, list[float]] = {}
        for question in questions:
            for system in ("dense", "full"):
                started = time.perf_counter()
                evidence = kg.retrieve(question, top_k=5, dense_only=system == "dense")
                latencies[system].append((time.perf_counter() - started) * 1000)
                if system == "full":
                    for stage, ms in evidence.timings_ms.items():
                        stages.setdefault(stage, []).append(ms)
        stats = kg.stats()

    def pct(system: str, q: float) -> float:
        return round(float(np.percentile(latencies[system], q)), 1)

    print(
        json.dumps(
            {
                "bench": "retrieval",
                "backend": args.backend,
                "questions": len(questions),
                "passages": stats["chunks"],
                "entities": stats["entities"],
                "relations": stats["relations"],
                "ingested_now": report.documents_written,
                "full_p50_ms": pct("full", 50),
                "full_p95_ms": pct("full", 95),
                "dense_p50_ms": pct("dense", 50),
                "dense_p95_ms": pct("dense", 95),
                "ratio_p50": round(pct("full", 50) / pct("dense", 50), 2),
                "full_stage_mean_ms": {k: round(float(np.mean(v)), 1) for k, v in stages.items()},
                "targets": {"full_p50_ms": 50, "full_p95_ms": 150, "ratio": 3.0},
            }
        )
    )


if __name__ == "__main__":
    main()
