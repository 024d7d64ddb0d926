"""The reader protocol shared by every backend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable


@dataclass(slots=True, frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


ChatPrompt = Sequence[ChatMessage]


@runtime_checkable
class Reader(Protocol):
    name: str

    def warm_up(self) -> None:
        """Load the model or check the server (constructors stay cheap)."""

    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        """One completion per prompt (greedy unless configured otherwise)."""

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        """Pieces of one completion as they are produced."""

    def close(self) -> None: ...
