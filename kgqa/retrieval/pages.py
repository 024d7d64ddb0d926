"""The pages of entities, read once per question.

Both the topic ranking and the sentence bridge ask the store which chunks are about an entity
(``GraphStore.topic_chunks``), often for the same entities (a bridge the first round names is
usually a topic candidate too): one ``TopicPages`` per question answers the second ask from
memory and reads only the entities not asked about before.
"""

from __future__ import annotations

from collections.abc import Sequence

from kgqa.graph.base import GraphReads


class TopicPages:
    """Example::

    pages = TopicPages(store)
    pages(["e1", "e2"])  # one read: {"e1": ["d1#0"]}
    pages(["e1", "e3"])  # reads only e3
    """

    def __init__(self, store: GraphReads) -> None:
        self._store = store
        self._known: dict[str, list[str]] = {}

    def __call__(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        """As ``GraphStore.topic_chunks``: entity -> its page's chunks, sorted; none absent."""
        wanted = [e for e in dict.fromkeys(entity_ids) if e not in self._known]
        if wanted:
            found = self._store.topic_chunks(wanted)
            for e in wanted:
                self._known[e] = found.get(e, [])
        return {e: self._known[e] for e in dict.fromkeys(entity_ids) if self._known[e]}
