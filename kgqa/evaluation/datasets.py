"""The evaluation data sets in ``../shared/data`` (see its README for the formats)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kgqa.domain import Document
from kgqa.errors import InputError

DATASETS = (
    "2wiki",
    "pathquestion",
    "metaqa-1hop",
    "metaqa-2hop",
    "metaqa-3hop",
    "cmrc2018",
    "hotpotqa-dev",
)

# MetaQA multi-hop has dev questions only: every HELD_OUT-th is scored, the rest teach relation
# examples (a fixed split, so no sample seed can leak a scored question into learning).
METAQA_HELD_OUT = 5

# PathQuestion: each question file with the KB it is asked against.
PATHQUESTION_FILES = {
    "PQ-2H": "2H-kb.txt",
    "PQ-3H": "3H-kb.txt",
    "PQL-2H": "PQL2-KB.txt",
    "PQL-3H": "PQL3-KB.txt",
    "PQL-3H_more": "PQL3-KB.txt",
}


@dataclass(slots=True)
class Question:
    id: str
    text: str
    answers: list[str]
    # Gold passages: titles (2wiki) or document ids (cmrc2018); empty for KB data sets.
    gold: list[str] = field(default_factory=list)
    kind: str = ""  # question type, for breakdowns
    topic: str = ""  # the topic entity where the data set names it


@dataclass(slots=True)
class Split:
    """Questions with what they are asked against: documents and/or KB triple files."""

    name: str
    questions: list[Question]
    documents: list[Document] = field(default_factory=list)
    kb_files: list[Path] = field(default_factory=list)
    # Question-answer pairs of a separate (dev) split to learn relation examples from
    # (``kgqa.relation_examples.learn``); never the questions asked.
    train_file: Path | None = None
    # Or the questions themselves (the part of a dev split that is not scored).
    train_questions: list[Question] = field(default_factory=list)
    # Hops within which a gold answer counts as reachable from the topic (0: not reported).
    reach_hops: int = 0
    # Splits over one KB share a kept store of this name (default: the split's name).
    store_name: str = ""
    # What a question's gold names: a retrieved passage's document "title" or its "doc_id".
    gold_by: Literal["title", "doc_id"] = "title"


def _require(path: Path) -> Path:
    if not path.exists():
        raise InputError(f"{path} not found (use --data-dir to point at the shared data folder)")
    return path


def _sample(items: list, n: int | None, seed: int) -> list:
    if n is None or n >= len(items):
        return items
    return random.Random(seed).sample(items, n)


def wiki2(data: Path, sample: int | None, seed: int, distractors: int = 20) -> list[Split]:
    """2WikiMultihopQA. Gold passages: corpus passages titled like an evidence subject. With a
    sample, the corpus is its gold passages plus ``distractors`` random passages per question."""
    from ingest.load.base import make_document

    corpus = json.loads(_require(data / "2wiki" / "corpus.json").read_text(encoding="utf-8"))
    raw = json.loads(_require(data / "2wiki" / "questions.json").read_text(encoding="utf-8"))
    titles = {p["title"] for p in corpus}
    questions = [
        Question(
            id=q["id"],
            text=q["question"],
            answers=[q["answer"]],
            gold=sorted({s for s, _, _ in q["evidence"] if s in titles}),
            kind=q["question_type"],
        )
        for q in raw
    ]
    questions = _sample(questions, sample, seed)
    passages = corpus
    if sample is not None:
        wanted = {t for q in questions for t in q.gold}
        others = [p for p in corpus if p["title"] not in wanted]
        extra = _sample(others, distractors * len(questions), seed)
        passages = [p for p in corpus if p["title"] in wanted] + extra
    documents = [
        make_document(p["text"], "2wiki", title=p["title"], doc_id=f"2wiki:{p['title']}")
        for p in passages
    ]
    return [Split("2wiki", questions, documents=documents)]


def pathquestion(
    data: Path, sample: int | None, seed: int, files: list[str] | None = None
) -> list[Split]:
    splits = []
    for name in files or list(PATHQUESTION_FILES):
        if name not in PATHQUESTION_FILES:
            raise InputError(
                f"unknown PathQuestion file {name!r}: one of {list(PATHQUESTION_FILES)}"
            )
        folder = data / "pathquestion"
        questions = []
        lines = _require(folder / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            parts = line.split("\t")
            if len(parts) < 3:
                continue
            answer, _, alternatives = parts[1].partition("(")
            answers = [answer] + [a for a in alternatives.rstrip(")").split("/") if a]
            path = parts[2].split("#")
            questions.append(Question(f"{name}:{i}", parts[0], answers, kind=name, topic=path[0]))
        splits.append(
            Split(
                name,
                _sample(questions, sample, seed),
                kb_files=[_require(folder / PATHQUESTION_FILES[name])],
            )
        )
    return splits


def _metaqa_questions(folder: Path, name: str) -> list[Question]:
    """``qa_<name>.txt`` with its types; "[topic]" brackets are removed from the text."""
    lines = _require(folder / f"qa_{name}.txt").read_text(encoding="utf-8").splitlines()
    kinds = _require(folder / f"qa_{name}_qtype.txt").read_text(encoding="utf-8").splitlines()
    questions = []
    for i, line in enumerate(lines):
        text, _, answers = line.partition("\t")
        topic = text[text.index("[") + 1 : text.index("]")] if "[" in text else ""
        questions.append(
            Question(
                f"metaqa:{i}" if name == "1hop_test" else f"metaqa-{name}:{i}",
                text.replace("[", "").replace("]", ""),
                answers.split("|"),
                kind=kinds[i] if i < len(kinds) else "",
                topic=topic,
            )
        )
    return questions


def metaqa_1hop(data: Path, sample: int | None, seed: int) -> list[Split]:
    """MetaQA 1-hop test questions. The dev questions are the training file for relation
    examples."""
    folder = data / "metaqa"
    return [
        Split(
            "metaqa-1hop",
            _sample(_metaqa_questions(folder, "1hop_test"), sample, seed),
            kb_files=[_require(folder / "kb_partial.txt")],
            train_file=_require(folder / "qa_1hop_dev.txt"),
            reach_hops=1,
            store_name="metaqa",
        )
    ]


def metaqa_multihop(data: Path, hops: int, sample: int | None, seed: int) -> list[Split]:
    """MetaQA 2- or 3-hop dev questions: every ``METAQA_HELD_OUT``-th is scored (sampled from
    those), the others teach relation examples."""
    folder = data / "metaqa"
    questions = _metaqa_questions(folder, f"{hops}hop_dev")
    held_out = [q for i, q in enumerate(questions) if i % METAQA_HELD_OUT == 0]
    train = [q for i, q in enumerate(questions) if i % METAQA_HELD_OUT != 0]
    return [
        Split(
            f"metaqa-{hops}hop",
            _sample(held_out, sample, seed),
            kb_files=[_require(folder / "kb_partial.txt")],
            train_questions=train,
            reach_hops=hops,
            store_name="metaqa",
        )
    ]


def cmrc2018(data: Path, sample: int | None, seed: int) -> list[Split]:
    """CMRC 2018 dev: all 848 paragraphs are documents; each question's gold is its paragraph."""
    from ingest.load.base import make_document

    raw = json.loads(_require(data / "cmrc2018" / "cmrc2018_dev.json").read_text(encoding="utf-8"))
    documents, questions = [], []
    for article in raw["data"]:
        for paragraph in article["paragraphs"]:
            doc_id = f"cmrc:{paragraph['id']}"
            documents.append(
                make_document(
                    paragraph["context"], "cmrc2018", title=article.get("title", ""), doc_id=doc_id
                )
            )
            for qa in paragraph["qas"]:
                answers = list(dict.fromkeys(a["text"] for a in qa["answers"]))
                questions.append(Question(qa["id"], qa["question"], answers, gold=[doc_id]))
    return [
        Split("cmrc2018", _sample(questions, sample, seed), documents=documents, gold_by="doc_id")
    ]


def hotpotqa_dev(data: Path, sample: int | None, seed: int) -> list[Split]:
    """HotpotQA dev (distractor setting), the 53 questions in ``hotpotqa_dev``: every unique
    paragraph of all questions is one corpus (521 passages), each question is asked against all
    of it; gold passages are the titles of its supporting facts."""
    from ingest.load.base import make_document

    path = _require(data / "hotpotqa_dev" / "hotpot_dev_distractor_53.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    paragraphs: dict[str, str] = {}
    questions = []
    for q in raw:
        for title, sents in q["context"]:
            paragraphs.setdefault(title, "".join(sents).strip())
        questions.append(
            Question(
                id=q["_id"],
                text=" ".join(q["question"].split()),
                answers=[q["answer"]],
                gold=sorted({title for title, _ in q["supporting_facts"]}),
                kind=q["type"],
            )
        )
    documents = [
        make_document(text, "hotpotqa", title=title, doc_id=f"hotpotqa:{title}")
        for title, text in paragraphs.items()
    ]
    return [Split("hotpotqa-dev", _sample(questions, sample, seed), documents=documents)]


def load_splits(
    dataset: str, data: Path, sample: int | None, seed: int, files: list[str] | None = None
) -> list[Split]:
    if dataset == "2wiki":
        return wiki2(data, sample, seed)
    if dataset == "pathquestion":
        return pathquestion(data, sample, seed, files)
    if dataset == "metaqa-1hop":
        return metaqa_1hop(data, sample, seed)
    if dataset in ("metaqa-2hop", "metaqa-3hop"):
        return metaqa_multihop(data, int(dataset[len("metaqa-")]), sample, seed)
    if dataset == "cmrc2018":
        return cmrc2018(data, sample, seed)
    if dataset == "hotpotqa-dev":
        return hotpotqa_dev(data, sample, seed)
    raise InputError(f"unknown data set {dataset!r}: one of {', '.join(DATASETS)}")
