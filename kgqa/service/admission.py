"""Back-pressure: a bounded number of answers running and waiting, each with a deadline.

A question is admitted into a ``Slot`` or refused at once with ``ServiceBusy`` (503 +
Retry-After). A slot is freed when the request is done with it *and* the work it started has
ended: a reader that overran the deadline still holds its core, so counting it as free would
let timed-out work pile up behind the answers the service is still admitting.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from kgqa.service.errors import ServiceBusy
from kgqa.service.metrics import Metrics
from kgqa.settings import ServiceSettings

T = TypeVar("T")

# Before any answer has been timed, guess one second each (the extractive reader takes ~0.1 s,
# SmolLM2 on 2 CPU cores 1-3 s): Retry-After is a hint, and the first answers correct it.
FIRST_GUESS_ANSWER_S = 1.0
# Weight of the latest answer in the running mean of answer times.
ANSWER_TIME_SMOOTHING = 0.2
RETRY_AFTER_MAX_S = 120
# A stream whose generator never ran (the client left before it began) frees its slot this
# long after the deadline.
ABANDONED_STREAM_GRACE_S = 1.0


class Admission:
    def __init__(self, settings: ServiceSettings, metrics: Metrics) -> None:
        self.deadline_s = settings.answer_timeout_s
        self._max_running = settings.max_concurrent_answers
        self._max_waiting = settings.max_waiting_answers
        self._metrics = metrics
        self._turns = asyncio.Semaphore(self._max_running)
        self._running = 0
        self._waiting = 0
        self._mean_answer_s = FIRST_GUESS_ANSWER_S
        # Answers run here, never in the default pool that serves documents and health.
        self._executor = ThreadPoolExecutor(self._max_running, thread_name_prefix="kgqa-answer")

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def retry_after_s(self) -> int:
        """When a retry is likely to be admitted: the queue ahead, drained at the mean rate."""
        ahead = self._waiting + 1
        estimate = math.ceil(self._mean_answer_s * ahead / self._max_running)
        return max(1, min(RETRY_AFTER_MAX_S, estimate))

    async def admit(self) -> Slot:
        """A slot for one answer, or ServiceBusy at once when running and waiting are full
        (or when no slot frees up before the request's deadline)."""
        arrived = time.monotonic()
        if self._running + self._waiting >= self._max_running + self._max_waiting:
            raise self._busy("every answer slot and queue place is taken")
        self._waiting += 1
        self._metrics.waiting.inc()
        try:
            async with asyncio.timeout(self.deadline_s):
                await self._turns.acquire()
        except TimeoutError:
            raise self._busy(f"no answer slot freed within {self.deadline_s:g} s") from None
        finally:
            self._waiting -= 1
            self._metrics.waiting.dec()
        self._running += 1
        self._metrics.running.inc()
        return Slot(self, arrived, started=time.monotonic())

    def _busy(self, why: str) -> ServiceBusy:
        self._metrics.rejected.inc()
        retry = self.retry_after_s()
        return ServiceBusy(f"the service is busy ({why}); retry in {retry} s", retry)

    def _release(self, slot: Slot) -> None:
        took = time.monotonic() - slot.started  # the answer's own time, without its wait
        self._mean_answer_s += ANSWER_TIME_SMOOTHING * (took - self._mean_answer_s)
        self._running -= 1
        self._metrics.running.dec()
        self._turns.release()


class Slot:
    """One admitted answer: runs its work on the answer pool within the request's deadline."""

    def __init__(self, admission: Admission, arrived: float, started: float) -> None:
        self._admission = admission
        # The deadline counts from arrival (the queue wait included); the mean answer time
        # behind Retry-After from the start.
        self.arrived = arrived
        self.started = started
        self.deadline_s = admission.deadline_s
        self._pending = 0
        self._closed = False
        self._released = False

    def remaining_s(self) -> float:
        return self.deadline_s - (time.monotonic() - self.arrived)

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` on the answer pool. Raises TimeoutError at the deadline; the work then
        goes on in its thread and the slot stays taken until it ends."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._admission._executor, fn, *args)
        self._pending += 1
        future.add_done_callback(self._work_done)
        async with asyncio.timeout(self.remaining_s()):
            return await asyncio.shield(future)

    def close(self) -> None:
        """The request is done with the slot (idempotent)."""
        self._closed = True
        self._maybe_release()

    def close_if_abandoned(self) -> None:
        """Frees the slot after the deadline even if the stream that owns it never ran."""
        loop = asyncio.get_running_loop()
        loop.call_later(max(0.0, self.remaining_s()) + ABANDONED_STREAM_GRACE_S, self.close)

    async def __aenter__(self) -> Slot:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def _work_done(self, future: asyncio.Future[Any]) -> None:
        if not future.cancelled():
            future.exception()  # seen here: an error after the deadline is nobody's to raise
        self._pending -= 1
        self._maybe_release()

    def _maybe_release(self) -> None:
        if self._closed and not self._pending and not self._released:
            self._released = True
            self._admission._release(self)
