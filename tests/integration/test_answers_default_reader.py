"""The real default reader (extractive) and SmolLM2-135M through llama.cpp, each with the
answer stage over a small fixed corpus on the embedded store: the short answers, including the
two failures of issue 15 (Warsaw against the Vellmora sentence; Marie Curie born in Warsaw must
pass), a yes/no and a comparison, and an abstention where nothing in the corpus answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kgqa.api import KGQA
from kgqa.domain import Document
from kgqa.settings import Settings

pytestmark = pytest.mark.integration

CORPUS = {
    "Zorblax Quintavian": (
        "Zorblax Quintavian was a glassblower born in the town of Vellmora in 1911. "
        "He worked in a small workshop near the river."
    ),
    "Marie Curie": (
        "Marie Curie was born in Warsaw in 1867. She married Pierre Curie. "
        "She was a Polish and naturalised-French physicist and chemist."
    ),
    "Pierre Curie": "Pierre Curie was a French physicist, born in Paris in 1859.",
    "Oasis (band)": "Oasis were an English rock band formed in Manchester in 1991.",
    "Blur (band)": "Blur are an English rock band formed in London in 1988.",
}


# The default reader (extractive, chosen by measured F1 within the latency budget: README
# "Answers") and the default language model through llama.cpp.
READERS = [{}, {"backend": "llamacpp", "model": "smollm2-135m"}]


@pytest.fixture(scope="module", params=READERS, ids=["default", "smollm2-135m"])
def kg(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[KGQA]:
    data: Path = tmp_path_factory.mktemp("answers")
    instance = KGQA.open(Settings(data_dir=data, reader=request.param))
    instance.ingest_documents(
        [Document(id=f"doc:{t}", text=text, title=t) for t, text in CORPUS.items()]
    )
    yield instance
    instance.close()


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("Where was Zorblax Quintavian born?", "Vellmora"),
        ("Where was Marie Curie born?", "Warsaw"),
        ("When was Pierre Curie born?", "1859"),
        ("Which band formed first, Oasis or Blur?", "Blur"),
        ("Are Marie Curie and Pierre Curie of the same nationality?", None),
    ],
)
def test_short_answers_of_the_default_reader(kg: KGQA, question: str, short: str | None) -> None:
    answer = kg.ask(question)
    assert not answer.abstained, answer.text
    if short is None:  # a yes/no: which one the evidence decides, but it must be one of them
        assert answer.short in ("yes", "no")
    else:
        assert answer.short == short, answer.text
    assert answer.citations and all(f"[{c.n}]" in answer.text for c in answer.citations)
    # The explanation is one or two sentences, not a reply running to the token limit.
    assert answer.text.count(".") <= 4 and len(answer.text) < 400


def test_a_cited_answer_names_the_evidence_it_comes_from(kg: KGQA) -> None:
    answer = kg.ask("Where was Zorblax Quintavian born?")
    assert any("Vellmora" in c.text for c in answer.citations)
    assert "Warsaw" not in answer.text
