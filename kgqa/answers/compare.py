"""Comparisons decided from the evidence: which option was born, died, released or founded
first or last, and whether two entities share a nationality or country.

The dates and nationalities come from each option's own passage (its title names the option);
"the director of film A" questions hop once, from the film's passage to the page of the person
it names. Undecidable questions (a date or a page missing) are left to the reader.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgqa.answers.candidates import CandidateSource, Tagger, sentences

if TYPE_CHECKING:
    from kgqa.answers.hops import Walk as Walked
from kgqa.answers.normal import contains, normalise
from kgqa.keyword.tokenize import tokenize

_EARLIER = re.compile(r"\b(first|earlier|earliest|older|oldest|before|sooner)\b", re.I)
_LATER = re.compile(r"\b(later|latest|last|recently|recent|younger|youngest|newer|after)\b", re.I)
_DEATH = re.compile(r"\b(died|die|death|dies|passed away)\b", re.I)
_BIRTH = re.compile(r"\b(born|birth|older|oldest|younger|youngest)\b", re.I)
# A person named in the question as the film's / song's / book's maker.
_ROLE = re.compile(
    r"\b(director|composer|performer|producer|author|writer|creator|founder|screenwriter)\b",
    re.I,
)
_ROLE_VERB = {
    "director": r"direct(?:ed|or)",
    "composer": r"(?:composed|composer|music)",
    "performer": r"(?:perform(?:ed|er)|sung|sang|recorded|by)",
    "producer": r"produc(?:ed|er)",
    "author": r"(?:writ(?:ten|er)|author)",
    "writer": r"(?:writ(?:ten|er)|author)",
    "creator": r"creat(?:ed|or)",
    "founder": r"found(?:ed|er)",
    "screenwriter": r"(?:screenplay|writ(?:ten|er))",
}
_MONTH = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        start=1,
    )
}
_DATE = re.compile(
    r"(?:(?P<d1>\d{1,2})\s+(?P<m1>[A-Z][a-z]+)\s+(?P<y1>\d{3,4}))"
    r"|(?:(?P<m2>[A-Z][a-z]+)\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{3,4}))"
    r"|(?:(?P<m3>[A-Z][a-z]+)\s+(?P<y3>\d{3,4}))"
    r"|(?P<y4>\b\d{4}\b)"
)
_LIFE = re.compile(r"\b(?:lived|live|living)\s+(longer|shorter)\b", re.I)
_SAME = re.compile(r"\bsame\s+(nationality|country|citizenship)\b|\bboth\s+from\b", re.I)


@dataclass(slots=True, frozen=True)
class Decision:
    short: str
    items: tuple[int, ...]  # the evidence that decided it
    # The sentence of each item that says it, in order (the explanation), when known.
    said: tuple[str, ...] = ()


def decide_options(
    question: str, options: Sequence[str], sources: Sequence[CandidateSource], tagger: Tagger | None
) -> Decision | None:
    """The option whose date is earliest/latest, when the question asks that and every option's
    date is in the evidence; for "Who lived longer, A or B?", the longer (shorter) life."""
    span = _LIFE.search(question)
    if span is not None and len(options) == 2:
        return _decide_lifespan(question, options, sources, tagger, span.group(1).lower())
    earlier, later = bool(_EARLIER.search(question)), bool(_LATER.search(question))
    if earlier == later or len(options) != 2:
        return None
    event = "death" if _DEATH.search(question) else "birth" if _BIRTH.search(question) else ""
    pages = _option_pages(question, options, sources, tagger)
    if pages is None:
        return None
    dated = []
    for option, page in zip(options, pages, strict=True):
        date = event_date(page.text, event)
        if date is None:
            return None
        dated.append((date, option, page.n))
    if dated[0][0] == dated[1][0]:
        return None
    best = min(dated) if earlier else max(dated)
    return Decision(best[1], tuple(d[2] for d in dated))


def _decide_lifespan(
    question: str,
    options: Sequence[str],
    sources: Sequence[CandidateSource],
    tagger: Tagger | None,
    which: str,
) -> Decision | None:
    pages = _option_pages(question, options, sources, tagger)
    if pages is None:
        return None
    lives = []
    for option, page in zip(options, pages, strict=True):
        born, died = event_date(page.text, "birth"), event_date(page.text, "death")
        if born is None or died is None or died <= born:
            return None
        lives.append((_days(died) - _days(born), option, page.n))
    if lives[0][0] == lives[1][0]:
        return None
    best = max(lives) if which == "longer" else min(lives)
    return Decision(best[1], tuple(life[2] for life in lives))


def _days(date: tuple[int, int, int]) -> int:
    """Days since year 0, near enough to compare lives (an unknown month or day counts 0)."""
    year, month, day = date
    return year * 372 + month * 31 + day


def decide_same(
    question: str,
    entities: Sequence[str],
    sources: Sequence[CandidateSource],
    tagger: Tagger | None,
) -> Decision | None:
    """ "yes"/"no" for "Are A and B of the same nationality / from the same country?"."""
    if tagger is None or not _SAME.search(question) or len(entities) != 2:
        return None
    pages = _option_pages(question, entities, sources, tagger)
    if pages is None:
        return None
    origins = []
    for page in pages:
        origin = _origin(page, tagger)
        if origin is None:
            return None
        origins.append((origin, page.n))
    (a, na), (b, nb) = origins
    kinds = {k for k, _ in a} & {k for k, _ in b}
    if not kinds:
        return None
    kind = "NORP" if "NORP" in kinds else "GPE"
    same = {v for k, v in a if k == kind} & {v for k, v in b if k == kind}
    return Decision("yes" if same else "no", (na, nb))


def _option_pages(
    question: str,
    options: Sequence[str],
    sources: Sequence[CandidateSource],
    tagger: Tagger | None,
) -> list[CandidateSource] | None:
    """Each option's own page, or that of the person in the role the question names ("the
    director of film A": one hop from the film's page); None when one is missing."""
    role = _ROLE.search(question)
    pages = []
    for option in options:
        page = page_of(option, sources)
        if page is not None and role is not None:
            page = _hop(page, role.group(1).lower(), sources, tagger)
        if page is None:
            return None
        pages.append(page)
    return pages


def page_of(name: str, sources: Sequence[CandidateSource]) -> CandidateSource | None:
    """The passage about ``name``: titled like it, else the first that names it."""
    key = normalise(re.sub(r"\s*\([^)]*\)\s*$", "", name))
    passages = [s for s in sources if s.kind == "passage"]
    for s in passages:
        title = normalise(re.sub(r"\s*\([^)]*\)\s*$", "", s.title))
        if title and title == key:
            return s
    for s in passages:
        if s.title and (contains(s.title, name) or contains(name, s.title)):
            return s
    return next((s for s in passages if contains(s.text, name)), None)


def _hop(
    page: CandidateSource, role: str, sources: Sequence[CandidateSource], tagger: Tagger | None
) -> CandidateSource | None:
    """From a work's passage to the page of its director (composer, ...)."""
    if tagger is None:
        return None
    verb = re.compile(_ROLE_VERB.get(role, role), re.I)
    for sentence in sentences(page.text):
        match = verb.search(sentence)
        if not match:
            continue
        after = sentence[match.start() :]
        people = [t for t, label in tagger.tag([after])[0] if label == "PERSON"]
        for person in people:
            target = page_of(person, [s for s in sources if s.n != page.n])
            if target is not None and contains(target.title or target.text, person):
                return target
    return None


def event_date(text: str, event: str) -> tuple[int, int, int] | None:
    """The date of a birth ("born ...", the first of "(1900 – 1980)"), a death ("died ...",
    the second), or, for anything else, the first date in the text."""
    window = text[:600]
    if event == "birth":
        found = _after(window, r"\bborn\b") or _range(window, 0) or _first(window)
    elif event == "death":
        found = _after(window, r"\bdied\b") or _range(window, 1)
    else:
        found = _first(window)
    return found


def _after(text: str, word: str) -> tuple[int, int, int] | None:
    match = re.search(word, text, re.I)
    return _first(text[match.end() : match.end() + 60]) if match else None


def _range(text: str, index: int) -> tuple[int, int, int] | None:
    match = re.search(r"\(([^()]*?\d{3,4}[^()]*?)\s*[–-]\s*([^()]*?\d{3,4}[^()]*?)\)", text)
    return _first(match.group(index + 1)) if match else None


def _first(text: str) -> tuple[int, int, int] | None:
    for match in _DATE.finditer(text):
        g = match.groupdict()
        year = g["y1"] or g["y2"] or g["y3"] or g["y4"]
        month_name = (g["m1"] or g["m2"] or g["m3"] or "").lower()
        if month_name and month_name not in _MONTH:
            if g["y4"] is None and (g["y3"] or g["y1"] or g["y2"]):
                return (int(year), 0, 0)
            continue
        day = int(g["d1"] or g["d2"] or 0)
        return (int(year), _MONTH.get(month_name, 0), day)
    return None


def _origin(page: CandidateSource, tagger: Tagger) -> list[tuple[str, str]] | None:
    head = " ".join(sentences(page.text)[:2])
    spans = [
        (label, normalise(t)) for t, label in tagger.tag([head])[0] if label in ("NORP", "GPE")
    ]
    return spans or None


def decide_by_words(
    question: str, options: Sequence[str], sources: Sequence[CandidateSource]
) -> Decision | None:
    """The option whose own page shares most of the question's other words ("Which writer was
    from England, A or B?": the page that says England). A fallback for a reader that names
    neither option; None on a tie."""
    own = {w for o in options for w in tokenize(o)}
    wanted = set(tokenize(question)) - own
    scored = []
    for option in options:
        page = page_of(option, sources)
        if page is None:
            return None
        scored.append((len(set(tokenize(page.text)) & wanted), option, page.n))
    scored.sort(reverse=True)
    if len(scored) < 2 or scored[0][0] == scored[1][0]:
        return None
    return Decision(scored[0][1], tuple(n for _, _, n in scored))


# A property a yes/no question says of both entities that a page can contradict: a
# nationality ("both American documentaries") or a place ("both located in Michigan").
_PROPERTY_LABELS = frozenset({"NORP", "GPE", "LOC"})


def decide_both(
    question: str,
    entities: Sequence[str],
    sources: Sequence[CandidateSource],
    tagger: Tagger | None,
) -> Decision | None:
    """ "yes"/"no" for "Are A and B both <nationality / in place>?": "yes" when each page's
    head says the property, "no" when one says it and the other's head says another of its
    kind instead (Nevada where Michigan was asked); undecided otherwise."""
    if tagger is None or not _BOTH.search(question):
        return None
    spans = [(t, label) for t, label in tagger.tag([question])[0] if label in _PROPERTY_LABELS]
    props = [
        (t, label) for t, label in spans if page_of(t, sources) is None or _only_named(t, sources)
    ]
    if len(props) != 1:
        return None
    prop, label = props[0]
    if label != "NORP" and not _LOCATED.search(question):
        # "from the United States" is not contradicted by "from Zion, Illinois": only where a
        # thing is located is said at one level on both pages ("in Elko, Nevada" / Michigan).
        return None
    compared = _titles_named(question, sources) or list(entities)
    compared = [e for e in compared if not contains(e, prop) and not contains(prop, e)]
    if len(compared) != 2:
        return None
    pages = _option_pages(question, compared, sources, tagger)
    if pages is None or pages[0].n == pages[1].n:
        return None
    heads = [" ".join(sentences(p.text)[:2]) for p in pages]
    says = [contains(h, prop) for h in heads]
    if all(says):
        return Decision("yes", (pages[0].n, pages[1].n))
    if not any(says):
        return None
    other = heads[says.index(False)]
    rivals = [t for t, lab in tagger.tag([other])[0] if lab == label and not contains(t, prop)]
    if not rivals:
        return None
    return Decision("no", (pages[0].n, pages[1].n))


_BOTH = re.compile(r"\bboth\b", re.I)
_LOCATED = re.compile(r"\b(?:located|situated|based|lies|lie)\s+in\b", re.I)


def _titles_named(question: str, sources: Sequence[CandidateSource]) -> list[str]:
    """The evidence titles the question names (without a "(film)" qualifier), longest first,
    none inside another ("In the Realm of the Hackers", which capitalised runs split)."""
    names: list[str] = []
    for s in sources:
        bare = re.sub(r"\s*\([^)]*\)\s*$", "", s.title) if s.kind == "passage" else ""
        if bare and contains(question, bare) and bare not in names:
            names.append(bare)
    names.sort(key=len, reverse=True)
    return [n for i, n in enumerate(names) if not any(contains(m, n) for m in names[:i])]


def _only_named(name: str, sources: Sequence[CandidateSource]) -> bool:
    """Whether ``name`` has no page of its own (it is named in the text only)."""
    page = page_of(name, sources)
    return page is None or not (contains(page.title, name) or contains(name, page.title))


def role_asked(question: str) -> str | None:
    """The role a comparison or a yes/no question asks about ("the director of ..."), if any."""
    match = _ROLE.search(question)
    return match.group(1).lower() if match else None


def date_event(question: str) -> str:
    """ "death", "birth" or "" (released, founded, ...): the date a comparison compares."""
    return "death" if _DEATH.search(question) else "birth" if _BIRTH.search(question) else ""


def asks_same_origin(question: str) -> bool:
    return bool(_SAME.search(question))


def parse_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of the first date in ``text``; 0 for a part it does not say."""
    return _first(text)


def decide_dated(
    question: str, dated: Sequence[tuple[tuple[int, int, int], str, Walked]]
) -> Decision | None:
    """The option whose date is the earliest (latest), citing each side's chain."""
    earlier, later = bool(_EARLIER.search(question)), bool(_LATER.search(question))
    if earlier == later or len(dated) != 2 or dated[0][0] == dated[1][0]:
        return None
    best = min(dated, key=lambda d: d[0]) if earlier else max(dated, key=lambda d: d[0])
    items: list[int] = []
    said: list[str] = []
    for _, _, walked in dated:
        for n, sentence in zip(walked.items, walked.said, strict=True):
            if n not in items:
                items.append(n)
                said.append(sentence)
    return Decision(best[1], tuple(items), tuple(said))
