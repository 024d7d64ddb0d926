"""Chinese extraction with jieba's part-of-speech tags: nr -> PERSON, ns -> LOC, nt -> ORG,
nz -> OTHER; co-occurrence per sentence, and the pattern X是Y的Z -> (X, Z, Y)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from ingest.extract.base import TOPIC, ChunkExtraction, RawMention, RawRelation, cooccurrences
from kgqa.domain import Chunk
from kgqa.errors import ModelError

TAGS = {"nr": "PERSON", "nrfg": "PERSON", "nrt": "PERSON", "ns": "LOC", "nt": "ORG", "nz": "OTHER"}
_SENTENCE = re.compile(r"[^。！？；!?\n]+[。！？；!?]*")

_lock = threading.Lock()


class JiebaEntityExtractor:
    lang = "zh"

    def __init__(self) -> None:
        self._posseg: Any = None

    def warm_up(self) -> None:
        with _lock:
            if self._posseg is not None:
                return
            try:
                import jieba
                import jieba.posseg as posseg
            except ImportError as e:
                raise ModelError("Chinese extraction needs `pip install kgqa[zh]`") from e
            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            self._posseg = posseg

    def extract(
        self, chunks: Sequence[Chunk], titles: Mapping[str, str] | None = None
    ) -> list[ChunkExtraction]:
        self.warm_up()
        titles = titles or {}
        return [self._extract_one(c, titles.get(c.doc_id, "")) for c in chunks]

    def _extract_one(self, chunk: Chunk, title: str) -> ChunkExtraction:
        out = ChunkExtraction(chunk.id, chunk.doc_id)
        topic: int | None = None
        if title:
            topic = 0
            out.mentions.append(
                RawMention(chunk.id, chunk.doc_id, chunk.start, chunk.start, title, TOPIC)
            )
        for match in _SENTENCE.finditer(chunk.text):
            sentence = match.group(0)
            base = chunk.start + match.start()
            ids: list[int] = []
            words: list[tuple[str, str, int]] = []
            position = 0
            for pair in self._posseg.cut(sentence):
                word, flag = pair.word, pair.flag
                words.append((word, flag, len(out.mentions) if flag in TAGS else -1))
                if flag in TAGS and len(word.strip()) > 1:
                    ids.append(len(out.mentions))
                    out.mentions.append(
                        RawMention(
                            chunk.id,
                            chunk.doc_id,
                            base + position,
                            base + position + len(word),
                            word,
                            TAGS[flag],
                        )
                    )
                position += len(word)
            end = base + len(sentence)
            out.relations.extend(cooccurrences(ids, base, end))
            out.relations.extend(_copula_possessive(words, ids, topic, base, end))
        return out


def _copula_possessive(
    words: list[tuple[str, str, int]], ids: list[int], topic: int | None, start: int, end: int
) -> list[RawRelation]:
    """X是Y的Z: (X, Z, Y). X may be the topic when the sentence opens with 是 or a pronoun."""
    relations = []
    tokens = [w for w, _, _ in words]
    for i, word in enumerate(tokens):
        if word != "是":
            continue
        subject = next((m for _, _, m in reversed(words[:i]) if m in ids), None)
        if subject is None and topic is not None and i <= 2:
            subject = topic
        try:
            de = tokens.index("的", i + 1)
        except ValueError:
            continue
        owner = next((m for _, _, m in words[i + 1 : de] if m in ids), None)
        noun = next((w for w, f, _ in words[de + 1 :] if f.startswith("n")), None)
        if subject is not None and owner is not None and noun:
            relations.append(RawRelation(subject, noun, owner, "syntactic", start, end))
    return relations
