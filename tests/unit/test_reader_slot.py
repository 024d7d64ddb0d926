"""The answerer's reader: built on first use, swappable, closed once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import kgqa.wiring as wiring
from kgqa.reader.base import ChatPrompt
from kgqa.settings import ReaderSettings
from kgqa.wiring import ReaderSlot


class EchoReader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = 0

    def warm_up(self) -> None:
        pass

    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        return [f"{self.name}:{len(p)}" for p in prompts]

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        yield self.name

    def close(self) -> None:
        self.closed += 1


def test_the_reader_is_built_on_first_use_only(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[EchoReader] = []

    def build(settings: ReaderSettings, data_dir: Path) -> EchoReader:
        built.append(EchoReader("configured"))
        return built[-1]

    monkeypatch.setattr(wiring, "build_reader", build)
    slot = ReaderSlot(ReaderSettings(backend="extractive"), Path("unused"))
    assert built == [] and slot.name == "extractive"
    assert slot.generate([[]], 4) == ["configured:0"]
    assert list(slot.stream([], 4)) == ["configured"]
    assert len(built) == 1 and slot.name == "configured"
    slot.close()
    slot.close()
    assert built[0].closed == 1


def test_a_swapped_reader_answers_and_is_the_one_closed() -> None:
    slot = ReaderSlot(ReaderSettings(backend="extractive"), Path("unused"))
    swapped = EchoReader("swapped")
    slot.use(swapped)
    assert slot.name == "swapped" and slot.generate([[], []], 4) == ["swapped:0", "swapped:0"]
    slot.close()
    assert swapped.closed == 1
