"""The answer tagger remembers sentences it tagged, within a bound."""

from __future__ import annotations

from dataclasses import dataclass

from kgqa.answers import tagging
from kgqa.answers.tagging import SpacyTagger


@dataclass
class _Ent:
    text: str
    label_: str


@dataclass
class _Doc:
    ents: list[_Ent]


class _CountingPipeline:
    """Tags each capitalised word as PERSON and records which texts it was given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def pipe(self, texts, batch_size: int = 64):
        for text in texts:
            self.seen.append(text)
            yield _Doc([_Ent(w, "PERSON") for w in text.split() if w[:1].isupper()])


def _tagger() -> tuple[SpacyTagger, _CountingPipeline]:
    tagger = SpacyTagger()
    pipeline = _CountingPipeline()
    tagger._nlp = pipeline
    return tagger, pipeline


def test_repeated_texts_are_tagged_once() -> None:
    tagger, pipeline = _tagger()
    first = tagger.tag(["Ada met Bob", "no names here", "Ada met Bob"])
    second = tagger.tag(["no names here", "Ada met Bob", "Cy left"])
    assert first == [
        [("Ada", "PERSON"), ("Bob", "PERSON")],
        [],
        [("Ada", "PERSON"), ("Bob", "PERSON")],
    ]
    assert second == [[], first[0], [("Cy", "PERSON")]]
    assert pipeline.seen == ["Ada met Bob", "no names here", "Cy left"]


def test_returned_spans_do_not_alias_the_cache() -> None:
    tagger, _ = _tagger()
    tagger.tag(["Ada met Bob"])[0].clear()
    assert tagger.tag(["Ada met Bob"]) == [[("Ada", "PERSON"), ("Bob", "PERSON")]]


def test_cache_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(tagging, "TAG_CACHE_SIZE", 2)
    tagger, pipeline = _tagger()
    tagger.tag(["A one", "B two", "C three"])
    tagger.tag(["A one"])  # dropped as the least recently used: tagged again
    tagger.tag(["C three"])  # still remembered
    assert pipeline.seen == ["A one", "B two", "C three", "A one"]
