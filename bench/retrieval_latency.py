"""Retrieval latency on 2Wiki: graph-fused against dense-only, same store, same questions.

    python bench/retrieval_latency.py --store kgqa-data/bench-2wiki   # ingests the corpus once
    python bench/retrieval_latency.py --store DIR --backend neo4j --neo4j-uri bolt://...
    python bench/retrieval_latency.py --store DIR --baseline-ref 0e47423 --rounds 2

The store directory is reused across runs (re-ingesting unchanged passages is a no-op). The two
systems alternate question by question so machine noise hits both alike. Prints one JSON line:
p50/p95 of each and the ratio (targets: full p50 <= 50 ms, p95 <= 150 ms, <= 3x dense-only).
With ``--baseline-ref``, first one more line: the same questions on the same (embedded) store
retrieved by that commit's code and by this checkout's, each in its own process, ``--rounds``
times alternating which goes first; p50 of each (median over rounds) and the share of questions
whose top 5 is identical.
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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline_code import REPO, export_ref, run_python  # noqa: E402
from corpora import DATA, require, wiki2_documents  # noqa: E402

from kgqa.api import KGQA  # noqa: E402
from kgqa.settings import Settings  # noqa: E402

# Run by either commit's code in its own process: the full system's latency per question and
# its top 5, on an existing store (argv: store dir, questions JSON file).
RETRIEVE = """
import json, sys, time
from pathlib import Path
from kgqa.api import KGQA
from kgqa.settings import Settings
store, questions = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
with KGQA.open(Settings(data_dir=store)) as kg:
    kg.retrieve("warm-up: where was Marie Curie born?")
    if hasattr(kg, "warm_up"):  # codes with a graph snapshot hold it before timing
        kg.warm_up()
    ms, top = [], []
    for q in questions:
        t0 = time.perf_counter()
        evidence = kg.retrieve(q, top_k=5)
        ms.append((time.perf_counter() - t0) * 1000)
        top.append([p.chunk_id for p in evidence.passages])
print(json.dumps({"ms": ms, "top": top}))
"""


def compare_code(ref: str, store: Path, questions: list[str], rounds: int) -> None:
    """The same questions on ``store`` by ``ref``'s code and this checkout's, alternating."""
    with tempfile.TemporaryDirectory(prefix="kgqa-retrieval-compare-") as tmp:
        work = Path(tmp)
        questions_file = work / "questions.json"
        questions_file.write_text(json.dumps(questions))
        codes = {"baseline": export_ref(ref, work / "baseline-code"), "current": REPO}
        p50: dict[str, list[float]] = {"baseline": [], "current": []}
        p95: dict[str, list[float]] = {"baseline": [], "current": []}
        top: dict[str, list[list[str]]] = {}
        loads = []
        for n in range(rounds):
            order = ("baseline", "current") if n % 2 == 0 else ("current", "baseline")
            for name in order:
                loads.append(os.getloadavg()[0])
                out = run_python(codes[name], RETRIEVE, str(store), str(questions_file))
                result = json.loads(out.splitlines()[-1])
                p50[name].append(float(np.percentile(result["ms"], 50)))
                p95[name].append(float(np.percentile(result["ms"], 95)))
                top[name] = result["top"]
    same = sum(a == b for a, b in zip(top["baseline"], top["current"], strict=True))
    base, cur = statistics.median(p50["baseline"]), statistics.median(p50["current"])
    print(
        json.dumps(
            {
                "bench": "retrieval_compare",
                "baseline_ref": ref,
                "questions": len(questions),
                "rounds": rounds,
                "baseline_p50_ms": round(base, 1),
                "current_p50_ms": round(cur, 1),
                "ratio_p50": round(cur / base, 3),
                "baseline_p95_ms": round(statistics.median(p95["baseline"]), 1),
                "current_p95_ms": round(statistics.median(p95["current"]), 1),
                "baseline_each_p50_ms": [round(x, 1) for x in p50["baseline"]],
                "current_each_p50_ms": [round(x, 1) for x in p50["current"]],
                "identical_top5": round(same / len(questions), 3),
                "load_avg_1m": [round(x, 1) for x in loads],
            }
        ),
        flush=True,
    )


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
    parser.add_argument("--baseline-ref", help="also time this commit's retrieval (git ref)")
    parser.add_argument("--rounds", type=int, default=1, help="with --baseline-ref: runs of each")
    args = parser.parse_args()
    if args.baseline_ref and args.backend != "embedded":
        raise SystemExit("--baseline-ref compares on the embedded store only")

    graph: dict = {"backend": args.backend}
    if args.backend == "neo4j":
        graph["uri"] = args.neo4j_uri
        if args.neo4j_password:
            graph["password"] = args.neo4j_password
    questions = json.loads(require(DATA / "2wiki" / "questions.json").read_text())
    questions = [q["question"] for q in questions[: args.questions]]
    with KGQA.open(Settings(data_dir=args.store, graph=graph)) as kg:
        report = kg.ingest_documents(wiki2_documents(args.passages))
        started = time.perf_counter()  # the first question loads models and indexes
        kg.retrieve("warm-up: where was Marie Curie born?")
        first_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()  # then what is held per store version: the snapshot
        kg.warm_up()
        hold_ms = (time.perf_counter() - started) * 1000
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
    if args.baseline_ref:
        compare_code(args.baseline_ref, args.store, questions, args.rounds)

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
                "first_question_ms": round(first_ms, 1),
                "warm_up_ms": round(hold_ms, 1),
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
