"""Server-Sent Events read off an HTTP response's lines."""

from __future__ import annotations

from collections.abc import Iterable


def sse_events(lines: Iterable[str]) -> list[tuple[str, str]]:
    """(event, data) pairs; "message" where the server named no event."""
    events: list[tuple[str, str]] = []
    kind = "message"
    for line in lines:
        if line.startswith("event:"):
            kind = line[6:].strip()
        elif line.startswith("data:"):
            events.append((kind, line[5:].strip()))
            kind = "message"
    return events
