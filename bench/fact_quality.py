"""Fact quality: typed recall of 2Wiki's evidence triples and labelled precision, before and after.

    python bench/fact_quality.py --sample 200                       # passages of 200 questions
    python bench/fact_quality.py --sample 200 --baseline-ref 5909af1
    python bench/fact_quality.py                                    # all 6,119 passages

Each code version (this checkout, and with ``--baseline-ref`` that commit's tree) ingests the
same passages into its own store in a subprocess, timed after its models are loaded; then this
checkout's ``kgqa.evaluation.facts`` scores both stores, so the figures differ only by the code
that extracted them. Prints one JSON line per version, then one comparing them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline_code import REPO, export_ref, run_python  # noqa: E402
from corpora import DATA  # noqa: E402

from kgqa.evaluation.facts import (  # noqa: E402
    DEFAULT_LABELS,
    evaluate_facts,
    load_2wiki,
)

# Runs under either version of the code: only long-standing public names are used.
INGEST = """
import json, sys, time
from pathlib import Path
from ingest.load.base import make_document
from kgqa.api import KGQA
from kgqa.settings import Settings
store, rows_file = Path(sys.argv[1]), Path(sys.argv[2])
rows = json.loads(rows_file.read_text(encoding="utf-8"))
docs = [make_document(r["text"], "2wiki", title=r["title"], doc_id="2wiki:" + r["title"])
        for r in rows]
try:  # since the wiring rework (issue 18)
    from kgqa.wiring import build_components
    parts = build_components(Settings(data_dir=store))
    kg, pipeline = KGQA(parts), parts.pipeline
except ImportError:  # older code
    kg = KGQA.open(Settings(data_dir=store))
    pipeline = kg.pipeline
with kg:
    pipeline._embedder_for("en").warm_up()
    if hasattr(pipeline, "_extractor_for"):  # before the stages split (ingest/stages.py)
        pipeline._extractor_for("en").warm_up()
    else:
        pipeline._stages.warm_up(("en",))
    started = time.perf_counter()
    report = kg.ingest_documents(docs)
    seconds = time.perf_counter() - started
print(json.dumps({"ingest_s": round(seconds, 2), "documents": report.documents_written}))
"""


def measure(
    code_dir: Path, name: str, rows_file: Path, work: Path, args: argparse.Namespace
) -> dict:
    store = work / f"store-{name}"
    ingest = json.loads(run_python(code_dir, INGEST, str(store), str(rows_file)).splitlines()[-1])
    labels = DEFAULT_LABELS if DEFAULT_LABELS.exists() else None
    report = evaluate_facts(DATA, args.sample, args.seed, store, labels)
    line = {
        "bench": "fact_quality",
        "code": name,
        "passages": report["passages"],
        "ingest_s": ingest["ingest_s"],
        "passages_per_s": round(report["passages"] / max(ingest["ingest_s"], 1e-9), 1),
        **{k: report["overall"][k] for k in ("triples", "in_store", "recall", "typed_recall")},
        "typed_facts": report["store"]["typed_facts"],
        "cooccurrence_facts": report["store"]["cooccurrence_facts"],
        "precision": report.get("precision", {}).get("precision"),
        "precision_matched": report.get("precision", {}).get("matched"),
        "typed_recall_by_relation": {
            r: v["typed_recall"] for r, v in list(report["by_relation"].items())[:12]
        },
    }
    print(json.dumps(line), flush=True)
    if args.json_dir:
        args.json_dir.mkdir(parents=True, exist_ok=True)
        (args.json_dir / f"facts-{name}.json").write_text(json.dumps(report, indent=2))
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=None, help="questions (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline-ref", help="also measure this commit's code (git ref)")
    parser.add_argument("--json-dir", type=Path, help="write each full report here")
    args = parser.parse_args()

    corpus = load_2wiki(DATA, args.sample, args.seed)
    work = Path(tempfile.mkdtemp(prefix="kgqa-bench-facts-"))
    print(f"stores under {work} (kept: `kgqa eval facts --store` reads them)", file=sys.stderr)
    rows_file = work / "passages.json"
    rows = [{"title": d.title, "text": d.text} for d in corpus.documents]
    rows_file.write_text(json.dumps(rows), encoding="utf-8")
    results = {}
    if args.baseline_ref:
        base = export_ref(args.baseline_ref, work / "baseline-code")
        results["baseline"] = measure(base, "baseline", rows_file, work, args)
    results["current"] = measure(REPO, "current", rows_file, work, args)
    if "baseline" in results:
        b, c = results["baseline"], results["current"]
        print(
            json.dumps(
                {
                    "bench": "fact_quality_compare",
                    "baseline_ref": args.baseline_ref,
                    "passages": c["passages"],
                    "ingest_ratio": round(c["ingest_s"] / max(b["ingest_s"], 1e-9), 2),
                    "recall": [b["recall"], c["recall"]],
                    "typed_recall": [b["typed_recall"], c["typed_recall"]],
                    "precision": [b["precision"], c["precision"]],
                    "targets": {"precision": 90.0, "typed_recall": 60.0, "ingest_ratio": 1.2},
                }
            )
        )


if __name__ == "__main__":
    main()
