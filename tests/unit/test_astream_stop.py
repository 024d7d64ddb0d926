"""``KGQA.astream`` stops its worker when the consumer stops: a stream that timed out or lost
its client must not go on generating after its admission slot is freed."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

from kgqa.answering import StreamEvent
from kgqa.api import KGQA


class SlowStream:
    """Tokens every 10 ms, up to 10 s of them; records what it produced and when it closed."""

    def __init__(self) -> None:
        self.produced = 0
        self.closed = threading.Event()

    def __call__(self, *args: object, **kwargs: object) -> Iterator[StreamEvent]:
        try:
            for i in range(1000):
                time.sleep(0.01)
                self.produced += 1
                yield StreamEvent("token", text=str(i))
        finally:
            self.closed.set()


def kgqa_streaming(stream: SlowStream) -> KGQA:
    kg = KGQA.__new__(KGQA)  # astream needs only ``stream``: no store, no models
    kg.stream = stream  # type: ignore[method-assign]
    return kg


def test_closing_the_stream_stops_the_worker_before_the_close_returns() -> None:
    stream = SlowStream()

    async def consume_two_then_leave() -> None:
        events = kgqa_streaming(stream).astream("q")
        assert (await anext(events)).text == "0"
        assert (await anext(events)).text == "1"
        await events.aclose()  # what the service does when the client goes
        assert stream.closed.is_set()

    asyncio.run(consume_two_then_leave())
    after = stream.produced
    time.sleep(0.2)
    assert stream.produced == after < 20


def test_a_deadline_stops_the_worker() -> None:
    stream = SlowStream()

    async def consume_until_timeout() -> None:
        events = kgqa_streaming(stream).astream("q")
        try:
            async with asyncio.timeout(0.1):
                async for _ in events:
                    pass
        except TimeoutError:
            pass
        await events.aclose()
        assert stream.closed.is_set()

    asyncio.run(consume_until_timeout())
    after = stream.produced
    time.sleep(0.2)
    assert stream.produced == after < 40
