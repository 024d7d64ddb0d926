"""Run a data set through the full system and the dense-only baseline, in the same run.

For document data sets (2wiki, cmrc2018) the baseline is ``retrieve(dense_only=True)``: the same
embedder, the same chunks, FAISS only. For KB data sets (pathquestion, metaqa-1hop), which have
no text, the baseline embeds each triple as the sentence "subject relation object" with the same
embedder, takes the nearest triple and answers with its end that the question does not name.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kgqa.api import KGQA
from kgqa.evaluation.datasets import Question, Split, load_splits
from kgqa.evaluation.metrics import contains_answer, exact_match, f1, kb_name, pct
from kgqa.reader.citations import MARKER
from kgqa.settings import Settings

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Tally:
    """Sums behind one system's metrics on one split."""

    counts: Counter[str] = field(default_factory=Counter)
    by_kind: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, kind: str, **values: float) -> None:
        for key, value in values.items():
            self.counts[key] += value
            self.by_kind[kind][key] += value


def evaluate(
    dataset: str,
    data_dir: Path,
    sample: int | None = None,
    seed: int = 0,
    settings: Settings | None = None,
    store_dir: Path | None = None,
    answers: bool = True,
    files: list[str] | None = None,
    progress: Progress | None = None,
    learn: bool = True,
) -> dict[str, Any]:
    """The report: per split, ``full`` and ``dense`` metrics (percentages) with their counts.
    With ``learn``, a split with a training file (MetaQA's dev questions) first learns relation
    examples from it; without, the full system answers from relation names alone."""
    started = time.perf_counter()
    splits = load_splits(dataset, data_dir, sample, seed, files)
    report: dict[str, Any] = {
        "dataset": dataset,
        "sample": sample,
        "seed": seed,
        "splits": {},
    }
    for split in splits:
        with ExitStack() as stack:
            if store_dir:
                work = store_dir / split.name
            else:  # a throwaway store, removed when the split is done
                work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kgqa-eval-")))
            base = settings or Settings()
            run_settings = base.model_copy(update={"data_dir": work})
            kg = stack.enter_context(KGQA.open(run_settings))
            ingest_started = time.perf_counter()
            if split.documents:
                kg.ingest_documents(split.documents)
            if split.kb_files:
                kg.ingest_triples(split.kb_files)
            ingest_s = time.perf_counter() - ingest_started
            # Examples from an earlier run of a kept store must not count in this one.
            run_settings.relation_examples_path.unlink(missing_ok=True)
            learned = None
            if learn and split.train_file is not None:
                learned = kg.learn_relations(split.train_file).as_dict()
                learned["file"] = split.train_file.name
            if split.kb_files:
                result = _evaluate_kb(kg, split, progress)
            else:
                result = _evaluate_documents(kg, split, answers, progress)
            result["ingest_s"] = round(ingest_s, 1)
            if learned is not None:
                result["relation_examples"] = learned
            result["store"] = kg.stats()
        report["splits"][split.name] = result
    report["seconds"] = round(time.perf_counter() - started, 1)
    if len(report["splits"]) == 1:
        only = next(iter(report["splits"].values()))
        report["full"], report["dense"] = only["full"], only["dense"]
    return report


# -- documents ----------------------------------------------------------------------------------
def _evaluate_documents(
    kg: KGQA, split: Split, answers: bool, progress: Progress | None
) -> dict[str, Any]:
    by_chunk_doc = split.name == "cmrc2018"  # gold is a document id; 2wiki's gold is a title
    tallies = {"full": Tally(), "dense": Tally()}
    latencies: dict[str, list[float]] = {"full": [], "dense": []}
    answer_ms: dict[str, list[float]] = {"full": [], "dense": []}
    misses: Counter[str] = Counter()
    for i, q in enumerate(split.questions):
        for system in ("full", "dense"):
            t0 = time.perf_counter()
            evidence = kg.retrieve(q.text, top_k=5, dense_only=system == "dense")
            latencies[system].append((time.perf_counter() - t0) * 1000)
            found = [p.doc_id if by_chunk_doc else p.title for p in evidence.passages]
            contained = contains_answer([p.text for p in evidence.passages], q.answers)
            values: dict[str, float] = {"questions": 1, "contained": float(contained)}
            if q.gold:
                gold = set(q.gold)
                values["with_gold"] = 1
                for k in (1, 2, 5):
                    values[f"hits_gold@{k}"] = len(gold & set(found[:k])) / len(gold)
            if answers:
                t1 = time.perf_counter()
                answer = kg.answer(evidence)
                answer_ms[system].append((time.perf_counter() - t1) * 1000)
                values.update(_answer_values(answer, q.answers, contained))
            tallies[system].add(q.kind or "all", **values)
            if system == "full" and q.gold and not set(q.gold) <= set(found[:5]):
                misses[_miss_reason(kg, evidence, q)] += 1
        if progress:
            progress(split.name, i + 1, len(split.questions))
    result = {s: _document_metrics(t, answers) for s, t in tallies.items()}
    for system, values in latencies.items():
        result[system]["latency_ms_p50"] = round(float(np.percentile(values, 50)), 1)
        result[system]["latency_ms_p95"] = round(float(np.percentile(values, 95)), 1)
        if answer_ms[system]:
            result[system]["answer_ms_p50"] = round(float(np.percentile(answer_ms[system], 50)), 1)
            result[system]["answer_ms_p95"] = round(float(np.percentile(answer_ms[system], 95)), 1)
    result["breakdown"] = {
        "recall@5_by_type": {
            kind: {
                s: pct(tallies[s].by_kind[kind]["hits_gold@5"], int(c["with_gold"]))
                for s in tallies
            }
            for kind, c in tallies["full"].by_kind.items()
            if c["with_gold"]
        },
        "full_misses_at_5": dict(misses),
    }
    return result


def _document_metrics(tally: Tally, answers: bool) -> dict[str, Any]:
    c = tally.counts
    n, with_gold = int(c["questions"]), int(c["with_gold"])
    out: dict[str, Any] = {
        "questions": n,
        "questions_with_gold": with_gold,
        "recall@1": pct(c["hits_gold@1"], with_gold),
        "recall@2": pct(c["hits_gold@2"], with_gold),
        "recall@5": pct(c["hits_gold@5"], with_gold),
        "answer_in_evidence": pct(c["contained"], n),
    }
    if answers:
        out.update(em=pct(c["em"], n), f1=pct(c["f1"], n), abstained=pct(c["abstained"], n))
        contained = int(c["contained"])
        # Abstaining where the answer was there to be read: the answer stage's own failure.
        out["abstained_when_in_evidence"] = pct(c["abstained_in_evidence"], contained)
        out["f1_when_in_evidence"] = pct(c["f1_in_evidence"], contained)
    return out


def _answer_values(answer: Any, golds: list[str], contained: bool) -> dict[str, float]:
    """Scores of the short answer (the explanation's first sentence for answers without one)."""
    text = answer.short or ("" if answer.abstained else _strip_markers(answer.text))
    score = f1(text, golds)
    return {
        "em": exact_match(text, golds),
        "f1": score,
        "abstained": float(answer.abstained),
        "abstained_in_evidence": float(answer.abstained and contained),
        "f1_in_evidence": score if contained else 0.0,
    }


def _miss_reason(kg: KGQA, evidence: Any, q: Question) -> str:
    """Why the full system missed a gold passage at 5: a first-cut diagnosis."""
    if not evidence.linked:
        return "no entity linked"
    linked = {kb_name(le.entity.name) for le in evidence.linked}
    if not any(kb_name(t) in linked for t in q.gold):
        return "gold entity not linked (bridge or linking miss)"
    return "linked but ranked below 5"


def _strip_markers(text: str) -> str:
    return " ".join(MARKER.sub(" ", text).split())


# -- knowledge bases ----------------------------------------------------------------------------
def _evaluate_kb(kg: KGQA, split: Split, progress: Progress | None) -> dict[str, Any]:
    dense = _TripleIndex(kg, split.kb_files)
    tallies = {"full": Tally(), "dense": Tally()}
    reachable = 0
    reasons: Counter[str] = Counter()
    for i, q in enumerate(split.questions):
        golds = {kb_name(a) for a in q.answers}
        evidence = kg.retrieve(q.text, top_k=5)
        predicted = evidence.kb_answers[0].name if evidence.kb_answers else ""
        hit = float(kb_name(predicted) in golds) if predicted else 0.0
        tallies["full"].add(q.kind or "all", questions=1, hits=hit)
        if not hit:
            reasons[_kb_miss_reason(evidence, q, golds)] += 1
        dense_answer = dense.answer(q.text)
        tallies["dense"].add(
            q.kind or "all", questions=1, hits=float(kb_name(dense_answer) in golds)
        )
        if split.name == "metaqa-1hop" and dense.reachable(q.topic, golds):
            reachable += 1
        if progress:
            progress(split.name, i + 1, len(split.questions))
    n = len(split.questions)
    result: dict[str, Any] = {
        system: {"questions": n, "hits": int(t.counts["hits"]), "hits@1": pct(t.counts["hits"], n)}
        for system, t in tallies.items()
    }
    if split.name == "metaqa-1hop":
        ceiling = pct(reachable, n)
        result["reachable_ceiling"] = ceiling
        result["full"]["share_of_ceiling"] = (
            round(100 * result["full"]["hits@1"] / ceiling, 2) if ceiling else 0.0
        )
    result["breakdown"] = {
        "hits@1_by_type": {
            kind: pct(c["hits"], int(c["questions"])) for kind, c in tallies["full"].by_kind.items()
        },
        "full_misses": dict(reasons),
    }
    return result


def _kb_miss_reason(evidence: Any, q: Question, golds: set[str]) -> str:
    if not evidence.linked:
        return "no entity linked"
    if q.topic and kb_name(q.topic) not in {kb_name(le.entity.name) for le in evidence.linked}:
        return "topic entity not linked"
    if not evidence.kb_answers:
        return "no relation path scored above the threshold"
    top = evidence.kb_answers[0].score
    if any(kb_name(a.name) in golds and a.score == top for a in evidence.kb_answers):
        # MetaQA keys films by title: remakes share one node, and with it their answers.
        return "gold answer tied with the top one"
    if any(kb_name(a.name) in golds for a in evidence.kb_answers):
        return "gold answer ranked below 1"
    return "wrong relation path"


class _TripleIndex:
    """The KB baseline: triples as sentences in a FAISS index, with the same embedder."""

    def __init__(self, kg: KGQA, files: Sequence[Path]) -> None:
        import faiss

        from ingest.triples import read_triples
        from kgqa.embedding.factory import Embedders

        self._triples = [
            tuple(item[1])
            for path in files
            for item in read_triples(path)
            if isinstance(item, tuple)
        ]
        # Its own instance of the English model (the baseline shares nothing with the system).
        self._embedder = Embedders(kg.settings.models).for_language("en")
        self._embedder.warm_up()
        texts = [f"{s} {p} {o}".replace("_", " ") for s, p, o in self._triples]
        vectors = np.asarray(self._embedder.embed(texts, kind="passage"), dtype=np.float32)
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(vectors)
        self._neighbours: dict[str, set[str]] = defaultdict(set)
        for s, _, o in self._triples:
            self._neighbours[kb_name(s)].add(kb_name(o))
            self._neighbours[kb_name(o)].add(kb_name(s))

    def answer(self, question: str) -> str:
        vector = np.asarray(self._embedder.embed([question], kind="query"), dtype=np.float32)
        _, ids = self._index.search(vector, 1)
        s, _, o = self._triples[int(ids[0][0])]
        asked = kb_name(question)
        return o if kb_name(s) in asked else s

    def reachable(self, topic: str, golds: set[str]) -> bool:
        return bool(self._neighbours.get(kb_name(topic), set()) & golds)
