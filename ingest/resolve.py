"""Entity resolution: surface forms -> stable entity ids, with explainable merges.

In order, a surface form joins an existing entity when
1. its normalised key (case, punctuation, possessives, width, articles) is already known, in
   this process or in the store (aliases included);
2. it is an acronym ("IBM") of a known multi-word name ("International Business Machines");
3. its name embedding is at least ``threshold`` similar to a known entity's name (the
   entity-name vector index);
otherwise it founds a new entity whose id is the hash of its key, so ids are stable across runs
and machines. Every merged surface form is kept as an alias.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.extract.base import TOPIC, ChunkExtraction
from kgqa.domain import Entity, Mention, Relation
from kgqa.names import entity_id, normalize_name

Lookup = Callable[[list[str]], dict[str, list[Entity]]]
Similar = Callable[[list[str]], list[list[tuple[str, float]]]]

_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_INITIAL_TYPES = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC", "TOPIC", "KB", "OTHER"})
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "de", "&"})


@dataclass(slots=True)
class Resolved:
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


def initials(name: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in _MINOR_WORDS]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


class EntityResolver:
    def __init__(
        self,
        lookup: Lookup | None = None,
        similar: Similar | None = None,
        threshold: float = 0.92,
        max_known: int = 2_000_000,
    ) -> None:
        self._lookup = lookup
        self._similar = similar
        self._threshold = threshold
        self._max_known = max_known
        self._known: dict[str, str] = {}  # key -> entity id
        self._acronyms: dict[str, str] = {}  # initials -> entity id

    def resolve(self, extractions: Sequence[ChunkExtraction]) -> Resolved:
        surfaces: dict[str, str] = {}  # key -> first surface form
        types: dict[str, Counter[str]] = {}
        for extraction in extractions:
            for m in extraction.mentions:
                key = normalize_name(m.surface)
                if key:
                    surfaces.setdefault(key, m.surface)
                    types.setdefault(key, Counter())[m.type] += 1
        ids = self._assign(surfaces, types)
        return self._build(extractions, ids, types)

    def _assign(self, surfaces: dict[str, str], types: dict[str, Counter[str]]) -> dict[str, str]:
        if len(self._known) > self._max_known:
            self._known.clear()  # bounded memory; the store lookup refills what is needed
        unknown = [k for k in surfaces if k not in self._known]
        if unknown and self._lookup is not None:
            for key, entities in self._lookup(unknown).items():
                if entities:
                    self._known[key] = entities[0].id
        # Long names first, so their acronyms exist before the short forms are matched.
        for key in sorted(surfaces, key=lambda k: -len(k)):
            surface = surfaces[key]
            if key in self._known:
                self._remember_initials(surface, self._known[key], types[key])
                continue
            if _ACRONYM.match(surface) and key in self._acronyms:
                self._known[key] = self._acronyms[key]
                continue
        still = [k for k in surfaces if k not in self._known]
        if still and self._similar is not None:
            for key, candidates in zip(
                still, self._similar([surfaces[k] for k in still]), strict=True
            ):
                best = next((c for c in candidates if c[1] >= self._threshold), None)
                if best is not None:
                    self._known[key] = best[0]
        for key in still:
            if key not in self._known:
                self._known[key] = entity_id(key)
                self._remember_initials(surfaces[key], self._known[key], types[key])
        # Acronyms seen before their long form in this batch.
        for key, surface in surfaces.items():
            if _ACRONYM.match(surface) and key in self._acronyms:
                self._known[key] = self._acronyms[key]
        return {key: self._known[key] for key in surfaces}

    def _remember_initials(self, surface: str, eid: str, kinds: Counter[str]) -> None:
        letters = initials(surface)
        if letters and len(letters) <= 6 and set(kinds) & _INITIAL_TYPES:
            self._acronyms.setdefault(letters, eid)

    def _build(
        self,
        extractions: Sequence[ChunkExtraction],
        ids: dict[str, str],
        types: dict[str, Counter[str]],
    ) -> Resolved:
        out = Resolved()
        entities: dict[str, Entity] = {}
        entity_types: dict[str, Counter[str]] = {}
        for extraction in extractions:
            local: list[str | None] = []
            for m in extraction.mentions:
                key = normalize_name(m.surface)
                eid = ids.get(key) if key else None
                local.append(eid)
                if eid is None:
                    continue
                entity = entities.get(eid)
                if entity is None:
                    entity = entities[eid] = Entity(eid, m.surface, m.type, [])
                if m.surface not in entity.aliases:
                    entity.aliases.append(m.surface)
                entity_types.setdefault(eid, Counter())[m.type] += 1
                out.mentions.append(
                    Mention(eid, m.chunk_id, m.doc_id, m.start, m.end, m.surface, m.type)
                )
            for r in extraction.relations:
                s, o = local[r.subject], local[r.object]
                if s is None or o is None or s == o:
                    continue
                out.relations.append(
                    Relation(
                        s,
                        r.predicate,
                        o,
                        r.kind,
                        extraction.doc_id,
                        extraction.chunk_id,
                        r.start,
                        r.end,
                        r.weight,
                    )
                )
        for eid, entity in entities.items():
            named = [t for t, _ in entity_types[eid].most_common() if t != TOPIC]
            entity.type = named[0] if named else TOPIC
            entity.aliases.sort()
        out.entities = list(entities.values())
        return out
