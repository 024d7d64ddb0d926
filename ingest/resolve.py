"""Entity resolution: surface forms -> stable entity ids, with explainable merges.

In order, a surface form joins an existing entity when
1. its normalised key (case, punctuation, possessives, width, articles) is already known, in
   this process or in the store (aliases included);
2. it is an acronym ("IBM") of a known multi-word name ("International Business Machines");
3. its name embedding is at least ``threshold`` similar to a known entity's name (the
   entity-name vector index), unless the two names carry different numbers ("8 May 2001" and
   "May 4, 2001" are 0.9218 apart: ``numbers_differ``);
otherwise it founds a new entity whose id is the hash of its key, so ids are stable across runs
and machines. Every merged surface form is kept as an alias.

Before all that, a name that is another name of the batch or the store behind a title or a
house name ("Emperor Lothair I", "Bosonid Boso the Elder") joins that name's entity, and a name
with a parenthesised qualifier ("George Pearson (filmmaker)", a page title) is one entity with
its plain name ("George Pearson", as other pages write it) unless another "George Pearson (...)"
is in the batch or the store.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.extract.base import TOPIC, ChunkExtraction
from kgqa.domain import Entity, Mention, Relation
from kgqa.names import ACRONYM_PREFIX, acronym_key, entity_id, normalize_name

Lookup = Callable[[list[str]], dict[str, list[Entity]]]
Similar = Callable[[list[str]], list[list[tuple[str, float]]]]
Names = Callable[[list[str]], dict[str, str]]  # entity ids -> their names

_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_NUMBER = re.compile(r"\d+")
# Words before a name that are not part of it: titles, and dynasty adjectives ("Bosonid",
# "Carolingian"); a name must keep two words after the prefix ("King Kong" stays).
_TITLES = frozenset(
    "emperor empress king queen prince princess duke duchess count countess earl lord lady sir "
    "dame saint st pope bishop archbishop cardinal president general dr mr mrs ms professor "
    "prof captain colonel sultan emir shah tsar czar margrave landgrave baron baroness viscount "
    "marquess marquis archduke archduchess infante infanta elector caliph".split()
)
TITLE_WORDS = _TITLES  # for the mention rules: a title before a name is no given name
_HOUSE = re.compile(r"^[A-Z][a-z]+(?:onid|ingian|ingid|ertid|ovingian)$")
# A trailing parenthesised qualifier, as Wikipedia titles disambiguate: "George Pearson
# (filmmaker)", "Back to Mono (1958–1969)".
_QUALIFIED = re.compile(r"^(?P<plain>[^()]*[^\s()])\s*\((?P<qualifier>[^()]+)\)$")
# The shortest plain key a qualified name is joined to, so "X (band)" stays apart: 879 of
# 6,119 2Wiki titles carry a qualifier, and the shortest plain key among them is 3 ("Dip
# (song)", "The Bat (1959 film)"); 62 plain names are qualified twice there (left apart).
_MIN_PLAIN_KEY = 2


def qualified_plain(surface: str) -> str | None:
    """A qualified name's plain form, if it has a qualifier and a plain key long enough.

    >>> qualified_plain("George Pearson (filmmaker)"), qualified_plain("George Pearson")
    ('George Pearson', None)
    """
    m = _QUALIFIED.match(surface.strip())
    if m is None or len(normalize_name(m["plain"])) < _MIN_PLAIN_KEY:
        return None
    return m["plain"]


def unprefixed_key(surface: str) -> str | None:
    """The key of a name without a leading title or house word, if two words remain.

    >>> unprefixed_key("Carolingian Emperor Lothair I"), unprefixed_key("King Kong")
    ('lothair i', None)
    """
    name, stripped = surface.strip(), False
    for _ in range(2):  # "Carolingian Emperor Lothair I"
        first, _, rest = name.partition(" ")
        if not rest or not (first.rstrip(".").lower() in _TITLES or _HOUSE.match(first)):
            break
        if len(normalize_name(rest).split()) < 2:
            break
        name, stripped = rest, True
    return normalize_name(name) if stripped else None


@dataclass(slots=True)
class Resolved:
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


class EntityResolver:
    """Assigns entity ids to a batch's surface forms. Every decision depends only on the store
    (which holds all earlier batches) and the batch itself, never on what this process saw
    before, so a run resumed after a crash resolves exactly as an uninterrupted one; where
    several entities qualify, the smallest id wins."""

    def __init__(
        self,
        lookup: Lookup | None = None,
        similar: Similar | None = None,
        threshold: float = 0.92,
        max_known: int = 2_000_000,
        names: Names | None = None,
    ) -> None:
        """``names``: the names of stored entities by id, to keep a similar name that carries
        other numbers apart (without it, similarity alone decides)."""
        self._lookup = lookup
        self._similar = similar
        self._names = names
        self._threshold = threshold
        self._max_known = max_known
        self._known: dict[str, str] = {}  # key -> entity id (a cache of the store)

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
        self._join_prefixed(surfaces, ids)
        plain_aliases = self._join_qualified(surfaces, ids)
        return self._build(extractions, ids, types, plain_aliases)

    def _join_prefixed(self, surfaces: dict[str, str], ids: dict[str, str]) -> None:
        """ "Bosonid Boso the Elder" joins "Boso the Elder" where the batch or the store has it."""
        prefixed = {k: r for k, s in surfaces.items() if (r := unprefixed_key(s)) and r != k}
        stored: dict[str, str] = {}
        missing = sorted({r for r in prefixed.values() if r not in ids})
        if missing and self._lookup is not None:
            stored = {k: min(e.id for e in v) for k, v in self._lookup(missing).items() if v}
        for key, rest in prefixed.items():
            target = ids.get(rest) or stored.get(rest)
            if target is not None:
                ids[key] = self._known[key] = target

    def _join_qualified(self, surfaces: dict[str, str], ids: dict[str, str]) -> dict[str, str]:
        """ "George Pearson (filmmaker)" joins "George Pearson" of the batch or the store; where
        no entity has the plain name, the qualified one takes it as an alias, so a later
        batch's "George Pearson" finds it. A plain name that two qualified entities share
        ("George Pearson (footballer)" too) joins neither. Returns entity id -> alias to add."""
        # plain key -> the batch's qualified names that have it, as (key, plain name)
        members: dict[str, list[tuple[str, str]]] = {}
        for key, surface in surfaces.items():
            if plain := qualified_plain(surface):
                members.setdefault(normalize_name(plain), []).append((key, plain))
        stored: dict[str, list[Entity]] = {}
        if members and self._lookup is not None:
            stored = self._lookup(sorted(members))
        aliases: dict[str, str] = {}
        for plain_key, named in members.items():
            qualified_ids = {ids[key] for key, _ in named}
            holders = stored.get(plain_key, [])
            others = {e.id for e in holders if _is_qualified(e, plain_key)} - qualified_ids
            if len(qualified_ids) > 1 or others:
                continue  # two "George Pearson (...)": the plain name is ambiguous
            (qualified_id,) = qualified_ids
            target = ids.get(plain_key) or min((e.id for e in holders), default=None)
            if target is None:
                aliases[qualified_id] = named[0][1]
                continue
            for key, _ in named:
                ids[key] = self._known[key] = target
        return aliases

    def _assign(self, surfaces: dict[str, str], types: dict[str, Counter[str]]) -> dict[str, str]:
        if len(self._known) > self._max_known:
            self._known.clear()  # bounded memory; the store lookup refills what is needed
        unknown = [k for k in surfaces if k not in self._known]
        acronyms = [k for k in unknown if _ACRONYM.match(surfaces[k])]
        stored_expansions: dict[str, set[str]] = {}
        if unknown and self._lookup is not None:
            found = self._lookup(unknown + [ACRONYM_PREFIX + k for k in acronyms])
            for key in unknown:
                if found.get(key):
                    self._known[key] = min(e.id for e in found[key])
            for key in acronyms:
                stored_expansions[key] = {e.id for e in found.get(ACRONYM_PREFIX + key, [])}
        pending = [k for k in surfaces if k not in self._known and k not in acronyms]
        self._match_or_found(pending, surfaces)
        # Acronyms last, so the long forms of this batch are resolved: "IBM" joins
        # "International Business Machines", from this batch or an earlier one.
        expansions: dict[str, set[str]] = {}
        for key, surface in surfaces.items():
            if key in self._known:
                akey = acronym_key(surface, dominant_type(types[key]))
                if akey is not None:
                    expansions.setdefault(akey, set()).add(self._known[key])
        pending = []
        for key in acronyms:
            if key in self._known:
                continue
            candidates = stored_expansions.get(key, set()) | expansions.get(
                ACRONYM_PREFIX + key, set()
            )
            if candidates:
                self._known[key] = min(candidates)
            else:
                pending.append(key)
        self._match_or_found(pending, surfaces)
        return {key: self._known[key] for key in surfaces}

    def _match_or_found(self, keys: list[str], surfaces: dict[str, str]) -> None:
        """Join each key to the most similar stored entity name, or found a new entity."""
        if keys and self._similar is not None:
            found = self._similar([surfaces[k] for k in keys])
            above = [[c for c in cs if c[1] >= self._threshold] for cs in found]
            # Names are read only where they can matter: for a surface that carries a number.
            numbered = [bool(_NUMBER.search(surfaces[k])) for k in keys]
            wanted = sorted({c[0] for cs, n in zip(above, numbered, strict=True) if n for c in cs})
            names = self._names(wanted) if self._names is not None and wanted else {}
            for key, candidates in zip(keys, above, strict=True):
                surface = surfaces[key]
                best = next(
                    (c for c in candidates if not numbers_differ(surface, names.get(c[0], ""))),
                    None,
                )
                if best is not None:
                    self._known[key] = best[0]
        for key in keys:
            self._known.setdefault(key, entity_id(key))

    def _build(
        self,
        extractions: Sequence[ChunkExtraction],
        ids: dict[str, str],
        types: dict[str, Counter[str]],
        plain_aliases: dict[str, str],
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
            seen: set[tuple[str, str, str, str, int]] = set()
            for r in extraction.relations:
                s, o = local[r.subject], local[r.object]
                if s is None or o is None or s == o:
                    continue
                # Two mentions of one entity (the topic and its name) support a triple once.
                triple_key = (s, r.predicate, o, r.kind, r.start)
                if triple_key in seen:
                    continue
                seen.add(triple_key)
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
                        r.surface,
                    )
                )
        for eid, entity in entities.items():
            entity.type = dominant_type(entity_types[eid])
            alias = plain_aliases.get(eid)
            if alias is not None and alias not in entity.aliases:
                entity.aliases.append(alias)
            entity.aliases.sort()
            short = unprefixed_key(entity.name)
            plain = [a for a in entity.aliases if normalize_name(a) == short]
            if plain:  # named without the title: "Boso the Elder", not "Bosonid Boso ..."
                entity.name = plain[0]
        out.entities = list(entities.values())
        return out


def _is_qualified(entity: Entity, plain_key: str) -> bool:
    """Whether one of ``entity``'s names is ``plain_key`` with a qualifier."""
    return any(
        (p := qualified_plain(n)) is not None and normalize_name(p) == plain_key
        for n in (entity.name, *entity.aliases)
    )


def numbers_differ(a: str, b: str) -> bool:
    """Both names carry numbers, and not the same ones in the same order: two dates, years or
    numbered things ("8 May 2001" / "May 4, 2001", "1921 to 1923" / "1923"), which name
    embeddings put close. In a 1,500-passage 2Wiki store 267 of 10,247 entities had joined
    names like these by similarity. "4 May 2001" and "May 4, 2001" agree; "20th Century Fox"
    and "Twentieth Century Fox" are left to similarity (one has no number)."""
    x, y = _NUMBER.findall(a), _NUMBER.findall(b)
    return bool(x) and bool(y) and x != y


def dominant_type(kinds: Counter[str]) -> str:
    """The most frequent named type of an entity's mentions; TOPIC when it has none."""
    named = [t for t, _ in kinds.most_common() if t != TOPIC]
    return named[0] if named else TOPIC
