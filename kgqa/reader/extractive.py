"""A reader without an LLM: the best-matching sentence of the evidence, cited. Deterministic;
a fallback when no model is wanted and a fast reader for tests and evaluations."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from kgqa.answers.candidates import sentences
from kgqa.keyword.tokenize import tokenize
from kgqa.reader.base import ChatPrompt
from kgqa.reader.prompt import ABSTAIN

_ITEM = re.compile(r"^\[(\d+)\] (?:(.*?): )?(.*)$")


class ExtractiveReader:
    name = "extractive"

    def warm_up(self) -> None:
        return None

    def close(self) -> None:
        return None

    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        return [self._answer(p) for p in prompts]

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        yield from re.findall(r"\S+\s*", self._answer(prompt))

    def _answer(self, prompt: ChatPrompt) -> str:
        user = prompt[-1].content
        question = user.rsplit("Question:", 1)[-1].strip().split("\n", 1)[0]
        wanted = set(tokenize(question))
        best: tuple[float, int, str] | None = None
        block = user.split("<evidence>", 1)[-1].split("</evidence>", 1)[0]
        for line in block.strip().splitlines():
            match = _ITEM.match(line.strip())
            if not match:
                continue
            n, text = int(match.group(1)), match.group(3)
            for sentence in sentences(text):
                tokens = set(tokenize(sentence))
                if not tokens:
                    continue
                score = len(tokens & wanted) / (len(wanted) or 1)
                if best is None or score > best[0]:
                    best = (score, n, sentence.strip())
        if best is None or best[0] == 0:
            return ABSTAIN
        return f"{best[2]} [{best[1]}]"
