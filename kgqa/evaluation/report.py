"""The evaluation report as a table: each metric of the full system beside the dense baseline."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

METRICS = (
    "recall@1",
    "recall@2",
    "recall@5",
    "answer_in_evidence",
    "em",
    "f1",
    "abstained",
    "abstained_when_in_evidence",
    "hits@1",
    "latency_ms_p50",
    "latency_ms_p95",
    "answer_ms_p50",
)


def print_report(report: dict[str, Any], console: Console) -> None:
    table = Table(title=f"kgqa eval {report['dataset']} ({report['seconds']} s)")
    table.add_column("split")
    table.add_column("questions", justify="right")
    table.add_column("metric")
    table.add_column("full", justify="right")
    table.add_column("dense", justify="right")
    table.add_column("delta", justify="right")
    for name, split in report["splits"].items():
        full, dense = split["full"], split["dense"]
        for metric in METRICS:
            if metric not in full:
                continue
            delta = round(full[metric] - dense.get(metric, 0.0), 2)
            table.add_row(
                name,
                str(full["questions"]),
                metric,
                str(full[metric]),
                str(dense.get(metric, "")),
                f"{delta:+}",
            )
        if "reachable_ceiling" in split:
            table.add_row(name, "", "reachable ceiling", str(split["reachable_ceiling"]), "", "")
        if "relation_examples" in split:
            learned = split["relation_examples"]
            console.print(
                f"{name}: {learned['examples']} relation examples learned from "
                f"{learned['learned']} of {learned['pairs']} pairs in {learned['file']}"
            )
    console.print(table)
