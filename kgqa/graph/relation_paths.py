"""Relation paths over imported (``kb``) facts, walked as sets.

A question that asks along relations ("the genres of the films written by X") names a sequence
of typed relations, each walked forward or backward. Enumerating single paths explodes
(an actor's films' actors' films); a *walk* instead groups every path of one hop sequence
from one start, keeping the set of entities it ends at (and, where answers need evidence, one
chain of facts per end). Both the KB answerer (few walks, pruned by score between hops) and
the relation-example learner (every walk up to three hops, thousands of pairs) use it.

A walk never steps back along the fact it just took (a self-loop excepted: it joins two items
of one name, a recording and its release track, and "the recording of X's recording" is X).
It may pass through its start ("X's spouse's child's father") and end there ("the child of
X's parent"), but the start is one of its answers only when it is the only one: "the director
of X also directed which films" asks for the others (PathQuestion: 117 of PQ-2H's 1,908
questions are answered by their own topic, always as the only end of their path).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kgqa.domain import Fact
from kgqa.graph.base import GraphStore

# A hop: a relation name and whether it is walked forward (subject -> object).
Hop = tuple[str, bool]
Hops = tuple[Hop, ...]


@dataclass(slots=True)  # not frozen: thousands are made per question, and that is slower
class Step:
    fact: Fact
    target: str  # the entity the step arrives at
    target_name: str

    @property
    def hop(self) -> Hop:
        return (self.fact.predicate, self.target == self.fact.object_id)


def steps_by_entity(facts: Iterable[Fact]) -> dict[str, list[Step]]:
    """The steps each entity can take along imported (``kb``) facts, in both directions; text
    relations are too loose for paths."""
    by_entity: dict[str, list[Step]] = {}
    for fact in facts:
        if fact.kind == "kb":
            by_entity.setdefault(fact.subject_id, []).append(
                Step(fact, fact.object_id, fact.object)
            )
            by_entity.setdefault(fact.object_id, []).append(
                Step(fact, fact.subject_id, fact.subject)
            )
    return by_entity


@dataclass(slots=True)
class Reach:
    """How a walk arrived at one of its ends."""

    name: str
    facts: tuple[Fact, ...]  # the first chain found, start first
    support: int = 1  # how many chains arrive here (films sharing two actors rank higher)


@dataclass(slots=True)
class Walk:
    start: str
    hops: Hops
    ends: dict[str, Reach] = field(default_factory=dict)
    # Hops walked backward where the KB also states the way forward, by another relation,
    # between (mostly) the same entities (``restated_backward``).
    restated: int = 0

    @property
    def relations(self) -> tuple[str, ...]:
        return tuple(r for r, _ in self.hops)


def start_walk(start: str) -> Walk:
    return Walk(start, (), {start: Reach("", ())})


def extend_walks(
    walks: Sequence[Walk], by_entity: dict[str, list[Step]], max_ends: int
) -> list[Walk]:
    """Every walk one hop longer, grouped by hop sequence; at most ``max_ends`` ends each (the
    first reached; later arrivals at a kept end still count as its support)."""
    out: dict[tuple[str, Hops], Walk] = {}
    for walk in walks:
        for here, reach in walk.ends.items():
            last = reach.facts[-1] if reach.facts else None
            # The same fact back leads where the walk came from, along the same relation.
            came_from = "" if last is None else _other_end(last, here)
            for step in by_entity.get(here, ()):
                if step.target == came_from and _walks_back(last, step):  # type: ignore[arg-type]
                    continue
                hops = (*walk.hops, step.hop)
                longer = out.get((walk.start, hops))
                if longer is None:
                    longer = out[(walk.start, hops)] = Walk(walk.start, hops, {}, walk.restated)
                known = longer.ends.get(step.target)
                if known is not None:
                    known.support += 1
                elif len(longer.ends) < max_ends:
                    longer.ends[step.target] = Reach(step.target_name, (*reach.facts, step.fact))
    walked = list(out.values())
    both_ways = stated_both_ways(by_entity)
    restated = {id(w) for w in restated_backward(walked)}
    for walk in walked:
        relation, forward = walk.hops[-1]
        if id(walk) in restated or (not forward and relation in both_ways):
            walk.restated += 1
    return walked


# A relation is stated both ways when at least this share of its facts read have a reverse
# fact (b S a beside a R b, by any relation). Shares over whole KBs (2026-12-02): PathQuestion
# 2H-kb parents/children/spouse 7-9%, 3H-kb 28-36% (the KBs are cut around their paths), every
# other relation there 0; MetaQA has_tags under 0.1% (films tagged with each other's titles),
# every other relation 0; PQL's album/artist 2-3% (stated both ways so rarely that walking
# one back is how its questions are answered). With it PathQuestion PQ-3H 89.5 -> 92.5.
_BOTH_WAYS_SHARE = 0.05


def stated_both_ways(by_entity: dict[str, list[Step]]) -> set[str]:
    """The relations of the facts in ``by_entity`` that the KB mostly also states the other
    way round, by some relation ("X parents Y" beside "Y children X"). A hop walked backward
    along one of them is the reverse fact's relation walked forward, and a question names the
    relation its answer is stated by: "X's kid's father's child" walks children, parents,
    children, not children, parents walked back (X's kid's own children), children. The
    sibling walks of ``restated_backward`` cannot tell that where the KB lacks the forward
    fact at that entity (PathQuestion's KBs are cut around their questions' paths).
    Self-loops are left out: their reverse is themselves."""
    pairs: set[tuple[str, str]] = set()
    facts: dict[str, tuple[str, str, str]] = {}
    for steps in by_entity.values():
        for step in steps:
            f = step.fact
            if f.subject_id != f.object_id:
                facts[f.id] = (f.subject_id, f.predicate, f.object_id)
                pairs.add((f.subject_id, f.object_id))
    total: dict[str, int] = {}
    reversed_: dict[str, int] = {}
    for s, p, o in facts.values():
        total[p] = total.get(p, 0) + 1
        if (o, s) in pairs:
            reversed_[p] = reversed_.get(p, 0) + 1
    return {p for p, n in total.items() if reversed_.get(p, 0) >= _BOTH_WAYS_SHARE * n}


# A backward hop restates a forward one when at least this share of the smaller of their two
# end sets is common to both (PathQuestion's parents/children and place_of_birth/
# people_born_here are stored both ways; a KB cut at a fan-out holds only part of either set).
_RESTATED_SHARE = 0.5


def restated_backward(walks: Sequence[Walk]) -> list[Walk]:
    """The walks whose last hop goes backward along a relation where a sibling walk (same
    start, same hops before) goes forward along another relation to mostly the same ends: the
    KB states the relation the other way round too ("X children Y" beside "Y parents X"), and
    a question names the relation its answer is stated by ("X's son": children forward, not
    parents walked back)."""
    forward: dict[tuple[str, Hops], list[Walk]] = {}
    for walk in walks:
        if walk.hops and walk.hops[-1][1]:
            forward.setdefault((walk.start, walk.hops[:-1]), []).append(walk)
    found = []
    for walk in walks:
        if not walk.hops or walk.hops[-1][1]:
            continue
        relation = walk.hops[-1][0]
        for other in forward.get((walk.start, walk.hops[:-1]), ()):
            if other.hops[-1][0] == relation:
                continue
            common = sum(1 for e in walk.ends if e in other.ends)
            if common and common >= _RESTATED_SHARE * min(len(walk.ends), len(other.ends)):
                found.append(walk)
                break
    return found


def _other_end(fact: Fact, here: str) -> str:
    return fact.subject_id if here == fact.object_id else fact.object_id


def _walks_back(last: Fact, step: Step) -> bool:
    fact = step.fact
    if fact.subject_id == fact.object_id:  # a self-loop may be walked again
        return False
    same_ends = fact.subject_id == last.subject_id and fact.object_id == last.object_id
    return same_ends and fact.predicate == last.predicate


def answer_ends(walk: Walk) -> dict[str, Reach]:
    """The walk's ends as answers: without its start, unless the start is all it reaches."""
    if walk.start in walk.ends and len(walk.ends) > 1:
        return {e: r for e, r in walk.ends.items() if e != walk.start}
    return walk.ends


# Entities whose triples are read in one store call.
_PREFETCH_BATCH = 5_000


class StepCache:
    """Steps per entity, fetched from the store in batches and kept for at most ``capacity``
    entities (the first read go first): the learner's memory stays bounded however large the
    KB, and a KB that fits is read once."""

    def __init__(self, store: GraphStore, fanout: int, capacity: int = 200_000) -> None:
        self._store = store
        self.fanout = fanout
        self._capacity = capacity
        self._steps: OrderedDict[str, dict[Hop, list[str]]] = OrderedDict()

    def prefetch(self, entity_ids: Iterable[str]) -> None:
        missing = sorted({e for e in entity_ids if e not in self._steps})
        for at in range(0, len(missing), _PREFETCH_BATCH):
            batch = missing[at : at + _PREFETCH_BATCH]
            grouped: dict[str, dict[Hop, list[str]]] = {entity: {} for entity in batch}
            # Triples, not facts: the names and citations of 129k facts cost more than the
            # walks (``kb_triples_of``). Both directions, as ``steps_by_entity`` steps.
            for s, p, o in self._store.kb_triples_of(batch, self.fanout):
                if s in grouped:
                    grouped[s].setdefault((p, True), []).append(o)
                if o in grouped:
                    # Backward to the subject; along a self-loop that is forward again.
                    grouped[o].setdefault((p, s == o), []).append(s)
            self._steps.update(grouped)
        while len(self._steps) > self._capacity:
            self._steps.popitem(last=False)

    def hops_of(self, entity_id: str) -> dict[Hop, list[str]]:
        """The targets of ``entity_id`` per hop; fetched alone when not prefetched."""
        grouped = self._steps.get(entity_id)
        if grouped is None:
            self.prefetch([entity_id])
            grouped = self._steps[entity_id]
        return grouped


EndSets = dict[Hops, set[str]]


def walk_end_sets(
    starts: Sequence[str],
    max_hops: int,
    cache: StepCache,
    max_frontier: int,
    toward: set[str] | None = None,
) -> EndSets:
    """The answer ends (``answer_ends``) of every hop sequence of 1..``max_hops`` hops from
    ``starts`` (no chains: the learner needs the sets only). A set larger than ``max_frontier``
    (the films of a genre) is kept but not walked on. With ``toward`` (the answers a learner
    looks for), the last hop is taken only where it arrives at one of them: a sequence that
    ends elsewhere cannot fit, and the last hop costs most. As sets, walks may step back along
    the fact they came by; the answers of a sequence differ from ``extend_walks``' only where
    the start is reached that way alone."""
    found: EndSets = {}
    level: EndSets = {(): set(starts)}
    start_set = set(starts)
    for hop_number in range(1, max_hops + 1):
        walkable = {h: e for h, e in level.items() if len(e) <= max_frontier}
        cache.prefetch(e for ends in walkable.values() for e in ends)
        if toward is not None and hop_number == max_hops:
            following = _last_hop_toward(walkable, toward, cache)
        else:
            following = _next_hop(walkable, cache)
        level = {h: e for h, e in following.items() if e}
        for hops, ends in level.items():
            others = ends - start_set
            found[hops] = others or ends
        if not level:
            break
    return found


def _next_hop(walkable: EndSets, cache: StepCache) -> EndSets:
    following: EndSets = {}
    for hops, ends in walkable.items():
        for entity in ends:
            for hop, targets in cache.hops_of(entity).items():
                key = (*hops, hop)
                bucket = following.get(key)
                if bucket is None:
                    bucket = following[key] = set()
                bucket.update(targets)
    return following


def _last_hop_toward(walkable: EndSets, toward: set[str], cache: StepCache) -> EndSets:
    """The last hop, only along hops that arrive at ``toward`` and only from sets holding one
    of the entities those hops leave from (all sets where a target's steps were cut at the
    fan-out: the films of a genre)."""
    cache.prefetch(toward)
    leaving: dict[Hop, set[str] | None] = {}
    for target in toward:
        grouped = cache.hops_of(target)
        cut = sum(len(sources) for sources in grouped.values()) >= cache.fanout
        for (relation, forward), sources in grouped.items():
            hop = (relation, not forward)
            known = leaving.setdefault(hop, set())
            if cut or known is None:
                leaving[hop] = None
            else:
                known.update(sources)
    following: EndSets = {}
    for hops, ends in walkable.items():
        groups: list[dict[Hop, list[str]]] | None = None  # read once per set, not per hop
        for hop, leavers in leaving.items():
            if leavers is not None and ends.isdisjoint(leavers):
                continue
            if groups is None:
                groups = [cache.hops_of(entity) for entity in ends]
            bucket = following[(*hops, hop)] = set()
            for grouped in groups:
                targets = grouped.get(hop)
                if targets:
                    bucket.update(targets)
    return following
