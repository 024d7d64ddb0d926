"""``kgqa eval facts``: how far the typed facts of a store can be trusted, against 2Wiki's gold.

2WikiMultihopQA's questions carry evidence triples ``[subject, relation, object]`` over the same
corpus (``Teutberga, spouse, Lothair II``). For each evidence triple whose subject and object are
both entities of the store (by normalised name, or for dates by the calendar day they name):

- **recall**: the graph holds a typed (syntactic) edge between the two, either direction;
- **typed recall**: one of those edges carries a canonical predicate that says the gold relation
  (``GOLD_PREDICATES``), in the right direction (an inverse or symmetric name counts).

Precision comes from a labelled fixture (``tests/fixtures/fact_precision.jsonl``): relations
sampled from an extracting store and judged against their source sentence. Every labelled
relation that the evaluated store holds counts; the report says how many matched.

The store may be one built by older code: nothing here depends on how it was extracted.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kgqa.domain import COOCCURRENCE, Document, Fact
from kgqa.errors import InputError
from kgqa.graph.base import GraphStore
from kgqa.names import normalize_name
from kgqa.settings import Settings

# Which canonical predicates say each 2Wiki relation, as (predicate, reversed): ``reversed``
# means the gold subject is the fact's object. Documented in ingest/extract/predicates.py.
GOLD_PREDICATES: dict[str, tuple[tuple[str, bool], ...]] = {
    "director": (("director", False),),
    "date of birth": (("born on", False),),
    "date of death": (("died on", False),),
    "father": (("parent", False), ("child", True)),
    "mother": (("parent", False), ("child", True)),
    "child": (("child", False), ("parent", True)),
    "spouse": (("spouse", False), ("spouse", True)),
    "sibling": (("sibling", False), ("sibling", True)),
    "country of citizenship": (("country", False),),
    "country of origin": (("country", False), ("located in", False)),
    "country": (("country", False), ("located in", False)),
    "publication date": (("published on", False),),
    "inception": (("founded on", False), ("published on", False)),
    "place of birth": (("born in", False),),
    "place of death": (("died in", False),),
    "place of burial": (("buried in", False),),
    "composer": (("composer", False),),
    "performer": (("performer", False),),
    "producer": (("producer", False),),
    "editor": (("editor", False),),
    "publisher": (("publisher", False),),
    "educated at": (("educated at", False),),
    "employer": (("employer", False),),
    "award received": (("award", False),),
    "founded by": (("founded by", False),),
    "cause of death": (("cause of death", False),),
    "place of detention": (("place of detention", False),),
}

TYPED_KIND = "syntactic"
# The labelled sample kept with the tests (present in a source checkout).
DEFAULT_LABELS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "fact_precision.jsonl"
_PAGE = 500  # entity ids per relations_of call
_ALL = 1_000_000  # no per-entity cap when reading every fact

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{1,4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\s+(\d{1,2})\s+(\d{1,4})$")
_YEAR = re.compile(r"^(\d{3,4})$")


def date_key(text: str) -> str | None:
    """A calendar key for a date name, so "24 December 1886" meets "December 24, 1886".

    >>> date_key("December 24, 1886"), date_key("24 December 1886"), date_key("1961")
    ('1886-12-24', '1886-12-24', '1961')
    """
    key = normalize_name(text)
    m = _DAY_MONTH_YEAR.match(key)
    if m and m.group(2) in _MONTHS:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}"
    m = _MONTH_DAY_YEAR.match(key)
    if m and m.group(1) in _MONTHS:
        return f"{int(m.group(3)):04d}-{_MONTHS[m.group(1)]:02d}-{int(m.group(2)):02d}"
    m = _YEAR.match(key)
    return m.group(1).zfill(4) if m else None


@dataclass(slots=True, frozen=True)
class GoldTriple:
    subject: str
    relation: str
    object: str


@dataclass(slots=True, frozen=True)
class Label:
    """One labelled relation of the precision fixture."""

    subject: str
    predicate: str
    object: str
    correct: bool
    drawn_from: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return normalize_name(self.subject), self.predicate, normalize_name(self.object)


@dataclass(slots=True)
class FactCorpus:
    """The passages to ingest and the gold triples to check."""

    documents: list[Document]
    triples: list[GoldTriple]
    questions: int


def load_2wiki(data_dir: Path, sample: int | None = None, seed: int = 0) -> FactCorpus:
    """All 6,119 passages and 2,507 evidence triples, or for ``sample`` questions drawn with
    ``seed``: their evidence triples and the passages titled by those triples' names."""
    from ingest.load.base import make_document

    folder = data_dir / "2wiki"
    try:
        passages = json.loads((folder / "corpus.json").read_text(encoding="utf-8"))
        questions = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise InputError(f"2Wiki data not found under {folder}: {e}") from e
    if sample is not None:
        questions = random.Random(seed).sample(questions, min(sample, len(questions)))
    triples = [GoldTriple(*t) for q in questions for t in q["evidence"] if len(t) == 3]
    if sample is not None:
        names = {n for t in triples for n in (t.subject, t.object)}
        passages = [p for p in passages if p["title"] in names]
    documents = [
        make_document(p["text"], "2wiki", title=p["title"], doc_id=f"2wiki:{p['title']}")
        for p in passages
    ]
    return FactCorpus(documents, triples, len(questions))


def load_labels(path: Path) -> list[Label]:
    """The precision fixture: JSON lines, the first a header (``{"header": ...}``)."""
    labels = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if not row or "header" in row:
            continue
        if row.get("label") not in ("correct", "wrong"):
            raise InputError(f"{path}: label must be 'correct' or 'wrong': {row}")
        labels.append(
            Label(
                row["subject"],
                row["predicate"],
                row["object"],
                row["label"] == "correct",
                row.get("drawn_from", ""),
            )
        )
    return labels


# -- reading the store ----------------------------------------------------------------------------
@dataclass(slots=True)
class StoreFacts:
    """Every fact of a store, and its entities by name key and by date key."""

    by_name: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_date: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    typed: dict[tuple[str, str], list[Fact]] = field(default_factory=lambda: defaultdict(list))
    counts: Counter[str] = field(default_factory=Counter)
    facts: list[Fact] = field(default_factory=list)

    def entities(self, name: str, heads: bool = False) -> set[str]:
        """The store entities a gold name names; with ``heads``, a comma-qualified name the
        store lacks ("Hamburg, Germany", "Shaftsbury, Vermont") falls back on its head
        ("Hamburg"), as the text names the two places apart and the NER finds each."""
        found = set(self.by_name.get(normalize_name(name), ()))
        day = date_key(name)
        if day is not None:
            found |= self.by_date.get(day, set())
        if not found and heads and ", " in name:
            found = set(self.by_name.get(normalize_name(name.split(", ")[0]), ()))
        return found


def read_store(store: GraphStore) -> StoreFacts:
    out = StoreFacts()
    ids: list[str] = []
    for page in store.iter_entities():
        for entity in page:
            ids.append(entity.id)
            for name in {entity.name, *entity.aliases}:
                out.by_name[normalize_name(name)].add(entity.id)
                day = date_key(name)
                if day is not None:
                    out.by_date[day].add(entity.id)
    seen: set[str] = set()
    for i in range(0, len(ids), _PAGE):
        for fact in store.relations_of(ids[i : i + _PAGE], _ALL):
            if fact.id in seen:
                continue
            seen.add(fact.id)
            out.counts[fact.kind] += 1
            if fact.kind == TYPED_KIND:
                out.facts.append(fact)
                out.typed[(fact.subject_id, fact.object_id)].append(fact)
    return out


# -- scoring ------------------------------------------------------------------------------------
def _between(
    facts: StoreFacts, subjects: set[str], objects: set[str]
) -> Iterator[tuple[Fact, bool]]:
    """Typed facts between the two sets, with whether they run object -> subject."""
    for s in subjects:
        for o in objects:
            for fact in facts.typed.get((s, o), ()):
                yield fact, False
            for fact in facts.typed.get((o, s), ()):
                yield fact, True


def score_triples(
    facts: StoreFacts, triples: Iterable[GoldTriple], heads: bool = False
) -> dict[str, Any]:
    by_relation: dict[str, Counter[str]] = defaultdict(Counter)
    for t in triples:
        c = by_relation[t.relation]
        c["triples"] += 1
        subjects, objects = facts.entities(t.subject, heads), facts.entities(t.object, heads)
        if not subjects or not objects:
            continue
        c["in_store"] += 1
        found = list(_between(facts, subjects, objects))
        if found:
            c["linked"] += 1
        wanted = set(GOLD_PREDICATES.get(t.relation, ()))
        if any((f.predicate, flipped) in wanted for f, flipped in found):
            c["typed"] += 1
    total: Counter[str] = Counter()
    for c in by_relation.values():
        total.update(c)
    return {
        "overall": _rates(total),
        "by_relation": {
            r: _rates(c) for r, c in sorted(by_relation.items(), key=lambda kv: -kv[1]["triples"])
        },
    }


def _rates(c: Counter[str]) -> dict[str, Any]:
    n = c["in_store"]
    return {
        "triples": c["triples"],
        "in_store": n,
        "recall": _pct(c["linked"], n),
        "typed_recall": _pct(c["typed"], n),
    }


def score_precision(facts: StoreFacts, labels: Sequence[Label]) -> dict[str, Any]:
    held = {(normalize_name(f.subject), f.predicate, normalize_name(f.object)) for f in facts.facts}
    matched = [label for label in labels if label.key in held]
    by_sample: dict[str, Counter[str]] = defaultdict(Counter)
    for label in matched:
        by_sample[label.drawn_from]["matched"] += 1
        by_sample[label.drawn_from]["correct"] += int(label.correct)
    correct = sum(label.correct for label in matched)
    return {
        "labelled": len(labels),
        "matched": len(matched),
        "precision": _pct(correct, len(matched)),
        "by_sample": {
            k: {"matched": v["matched"], "precision": _pct(v["correct"], v["matched"])}
            for k, v in sorted(by_sample.items())
        },
    }


def _surfaces(facts: Sequence[Fact], per_predicate: int = 5) -> dict[str, dict[str, int]]:
    by_predicate: dict[str, Counter[str]] = defaultdict(Counter)
    for f in facts:
        if f.surface:
            by_predicate[f.predicate][f.surface] += 1
    return {p: dict(c.most_common(per_predicate)) for p, c in sorted(by_predicate.items())}


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


# -- the command --------------------------------------------------------------------------------
def evaluate_facts(
    data_dir: Path,
    sample: int | None = None,
    seed: int = 0,
    store_dir: Path | None = None,
    labels_path: Path | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Ingest the corpus into ``store_dir`` (a store already there is read as it is, whatever
    code built it; unchanged passages are skipped), then score its typed facts."""
    from kgqa.api import KGQA
    from kgqa.wiring import build_components

    started = time.perf_counter()
    corpus = load_2wiki(data_dir, sample, seed)
    labels = load_labels(labels_path) if labels_path is not None else []
    with ExitStack() as stack:
        work = store_dir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="kgqa-facts-"))
        )
        base = settings or Settings()
        parts = build_components(base.model_copy(update={"data_dir": work}))
        kg = stack.enter_context(KGQA(parts))
        ingest_started = time.perf_counter()
        kg.ingest_documents(corpus.documents)
        ingest_s = time.perf_counter() - ingest_started
        facts = read_store(parts.store)
        stats = kg.stats()
    report: dict[str, Any] = {
        "dataset": "2wiki-facts",
        "sample": sample,
        "seed": seed,
        "questions": corpus.questions,
        "passages": len(corpus.documents),
        "store": {
            "typed_facts": facts.counts.get(TYPED_KIND, 0),
            "cooccurrence_facts": facts.counts.get(COOCCURRENCE, 0),
            "typed_per_passage": round(
                facts.counts.get(TYPED_KIND, 0) / max(len(corpus.documents), 1), 2
            ),
            "predicates": dict(Counter(f.predicate for f in facts.facts).most_common(25)),
            # The phrases behind each canonical predicate (Fact.surface; empty in stores
            # written before it was stored).
            "surfaces": _surfaces(facts.facts),
            "entities": stats.get("entities"),
        },
        **score_triples(facts, corpus.triples),
        # The same with comma-qualified gold names matched by their head (see entities()):
        # a second view, never mixed into the figures above.
        "with_name_heads": score_triples(facts, corpus.triples, heads=True),
        "ingest_s": round(ingest_s, 1),
    }
    if labels:
        report["precision"] = score_precision(facts, labels)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def print_facts_report(report: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    overall = report["overall"]
    table = Table(title=f"kgqa eval facts ({report['passages']} passages, {report['seconds']} s)")
    for column in ("relation", "triples", "in store", "recall", "typed recall"):
        table.add_column(column, justify="left" if column == "relation" else "right")
    rows = [("all", overall), *report["by_relation"].items()]
    for name, r in rows:
        table.add_row(
            name, str(r["triples"]), str(r["in_store"]), f"{r['recall']}", f"{r['typed_recall']}"
        )
    console.print(table)
    store = report["store"]
    console.print(
        f"typed facts {store['typed_facts']}, co-occurrences {store['cooccurrence_facts']}, "
        f"{store['typed_per_passage']} typed per passage"
    )
    heads = report.get("with_name_heads", {}).get("overall")
    if heads:
        console.print(
            f"with comma-qualified gold names matched by their head: {heads['in_store']} in "
            f"store, recall {heads['recall']}, typed recall {heads['typed_recall']}"
        )
    if "precision" in report:
        p = report["precision"]
        console.print(
            f"precision {p['precision']}% on {p['matched']} of {p['labelled']} labelled relations"
        )
