"""Following a question's relation chain (``kgqa.answers.chain``) through the evidence pages.

From the anchor's page (the evidence item titled like the anchor), each role is the first
person the page names after a word that says the role ("directed by", "son of", "married"),
and the next hop is that person's own page when the evidence holds it. The last entity is the
answer ("Who is X's mother?"), or its page is read for the attribute asked
(``kgqa.answers.attributes``). Nothing is guessed: a hop whose person or page is missing stops
the walk, and the answer stage falls back to typed candidates, favouring the last page reached
(the bridge entity's) over the anchor's, which is about the wrong entity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kgqa.answers.attributes import read_attribute
from kgqa.answers.candidates import CandidateSource, Tagger, sentences
from kgqa.answers.chain import Attribute, Chain
from kgqa.answers.normal import contains, normalise

# Words that say a role, tried in order; the person is the first one named after the cue in
# the same sentence ("directed by Stuart Townsend", "daughter of Aznar Sánchez and Onneca").
_CUES: dict[str, tuple[str, ...]] = {
    "director": (r"direct(?:ed|or|ion)\b(?:\s+by)?", r"\b(?:film|movie)\s+(?:\w+\s+){0,3}?by"),
    "composer": (r"\b(?:music|score|composed|composer)\b(?:\s+(?:\w+\s+){0,3}?by)?",),
    "performer": (
        r"\b(?:perform|record|sung|sang|released)\w*\s+(?:\w+\s+){0,4}?by",
        r"\b(?:song|single|album|track|ep)\s+(?:\w+\s+){0,4}?by",
        r"\bby\b",
    ),
    "producer": (r"\bproduc\w*(?:\s+by)?",),
    "screenwriter": (r"\b(?:screenplay|written|writer)\b(?:\s+by)?",),
    "writer": (r"\b(?:written|writer|wrote|penned|author)\b(?:\s+by)?", r"\bby\b"),
    "author": (r"\b(?:written|writer|author)\b(?:\s+by)?", r"\bby\b"),
    "creator": (r"\bcreat\w*(?:\s+by)?",),
    "founder": (r"\bfound\w*(?:\s+by)?",),
    "editor": (r"\bedit\w*(?:\s+by)?",),
    "cinematographer": (r"\b(?:cinematograph|photograph)\w*(?:\s+by)?",),
    "father": (r"\b(?:son|daughter|child|children|heir)\s+of\b", r"\bfather\b"),
    "mother": (r"\bmother\b", r"\b(?:son|daughter|child|children|heir)\s+of\b"),
    "husband": (r"\bhusband\b", r"\bmarri\w*(?:\s+(?:to|with))?", r"\b(?:wife|consort)\s+of\b"),
    "wife": (r"\bwife\b", r"\bmarri\w*(?:\s+(?:to|with))?", r"\b(?:husband|consort)\s+of\b"),
    "spouse": (r"\bmarri\w*(?:\s+(?:to|with))?", r"\b(?:wife|husband|spouse|consort)\b(?:\s+of)?"),
    "son": (r"\bsons?\b",),
    "daughter": (r"\bdaughters?\b",),
    "child": (r"\b(?:children|child|sons?|daughters?)\b",),
    "brother": (r"\bbrothers?\b",),
    "sister": (r"\bsisters?\b",),
    "sibling": (r"\b(?:siblings?|brothers?|sisters?)\b",),
}
# "daughter of A and B": the father is named first, the mother second.
_PARENTS = re.compile(r"\b(?:son|daughter|child|children|heir)\s+of\b", re.I)
_CLAUSE = re.compile(r"[,;.]|\s+(?:who|which|whose|when|where)\s+")
_AND = re.compile(r"\s+and\s+(?:(?:his|her)\s+(?:wife|husband|consort)\s*,?\s*)?")
# A capitalised run (titles and particles inside), after at most "the" or a title word.
_LEADING_NAME = re.compile(
    r"\s*(?:the\s+)?((?:[A-Z][\w'’\-.]*)(?:\s+(?:of|de|da|del|di|von|van|la|le|du|ibn|bin|al)?"
    r"\s*(?:[A-Z][\w'’\-.]*|[IVX]+\b))*)"
)
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass(slots=True, frozen=True)
class Hop:
    name: str
    n: int  # the evidence item that names it
    sentence: str


@dataclass(slots=True)
class Walk:
    """How far the chain got: the hops made, the page reached, and the answer if read."""

    hops: list[Hop] = field(default_factory=list)
    page: CandidateSource | None = None  # the last entity's own page, if in the evidence
    # Every evidence chunk of that page (a long page comes in several), the first first.
    chunks: list[CandidateSource] = field(default_factory=list)
    short: str = ""
    items: list[int] = field(default_factory=list)
    said: list[str] = field(default_factory=list)  # the sentences cited, one per item


def walk(chain: Chain, sources: Sequence[CandidateSource], tagger: Tagger | None) -> Walk | None:
    """The chain followed as far as the evidence goes; None when the anchor has no page."""
    passages = [s for s in sources if s.kind == "passage"]
    page = anchor_page(chain.anchor, passages)
    if page is None:
        return None
    out = Walk(page=page, chunks=chunks_of(page, passages))
    for role in chain.roles:
        hop = _role_target(out.chunks, role, passages, tagger)
        if hop is None:
            out.page, out.chunks = None, []
            return out
        out.hops.append(hop)
        page = _own_page(hop.name, passages, exclude=page.title)
        out.page = page
        out.chunks = chunks_of(page, passages) if page is not None else []
        if page is None:
            break
    if len(out.hops) == len(chain.roles):
        _answer(out, chain.attribute, tagger)
    return out


def anchor_page(anchor: str, passages: Sequence[CandidateSource]) -> CandidateSource | None:
    """The passage whose title the anchor text names: the whole title first ("Take A Picture
    (Carly Rae Jepsen Song)"), then the title without its qualifier, the longest first."""
    key = normalise(anchor)
    for p in passages:
        if p.title and normalise(p.title) == key:
            return p
    named = [p for p in passages if p.title and _title_in(p.title, anchor)]
    return max(named, key=lambda p: len(p.title), default=None)


def _title_in(title: str, text: str) -> bool:
    bare = _QUALIFIER.sub("", title)
    return contains(text, title) or (len(normalise(bare)) > 3 and contains(text, bare))


def chunks_of(page: CandidateSource, passages: Sequence[CandidateSource]) -> list[CandidateSource]:
    """The evidence chunks of ``page``'s document (same title), ``page`` first."""
    return [page, *(p for p in passages if p.title == page.title and p.n != page.n)]


def _own_page(
    name: str, passages: Sequence[CandidateSource], exclude: str
) -> CandidateSource | None:
    key = normalise(name)
    others = [p for p in passages if p.title != exclude and p.title]
    for p in others:
        if normalise(_QUALIFIER.sub("", p.title)) == key:
            return p
    # "Lee Hazlewood" for the page "Barton Lee Hazlewood", and the other way round.
    for p in others:
        bare = _QUALIFIER.sub("", p.title)
        if contains(bare, name) or contains(name, bare):
            return p
    return None


def _role_target(
    chunks: Sequence[CandidateSource],
    role: str,
    passages: Sequence[CandidateSource],
    tagger: Tagger | None,
) -> Hop | None:
    page = chunks[0]
    subject = _QUALIFIER.sub("", page.title)
    titles = [_QUALIFIER.sub("", p.title) for p in passages if p.title != page.title and p.title]
    parts = [(c.n, s) for c in chunks for s in sentences(c.text)]
    for cue in _CUES.get(role, (re.escape(role),)):
        pattern = re.compile(cue, re.I)
        for n, sentence in parts:
            for match in pattern.finditer(sentence):
                after = sentence[match.end() :]
                whole = after
                if _PARENTS.fullmatch(match.group(0)):
                    after = _parent(after, role)
                people = _people(after, titles, subject, tagger) or _leading_name(after)
                if role == "father" and after != whole:
                    # "son of former Manchester United and Danish goalkeeper Peter Schmeichel":
                    # the "and" may be inside the description, not between two parents.
                    people += [
                        p for p in _people(whole, titles, subject, tagger) if p not in people
                    ]
                if people:
                    # A person with a page in the evidence before one without ("Manchester
                    # United", tagged PERSON by the small model, has none here).
                    paged = [p for p in people if _own_page(p, passages, page.title) is not None]
                    return Hop((paged or people)[0], n, sentence)
    return None


def _parent(text: str, role: str) -> str:
    """The father's or the mother's part of "(son) of A and (his wife) B, ..."."""
    clause = _CLAUSE.split(text, maxsplit=1)[0]
    match = _AND.search(clause)
    if match is None:
        return "" if role == "mother" else clause
    first, second = clause[: match.start()], clause[match.end() :]
    if "husband" in match.group(0).lower():  # "of A and her husband B": B is the father
        first, second = second, first
    return second if role == "mother" else first


def _leading_name(text: str) -> list[str]:
    """A name that starts the text ("marriage with Sancho I of Pamplona"), when no title or
    PERSON span was found in it."""
    match = _LEADING_NAME.match(text)
    name = match.group(1).rstrip(".") if match else ""
    return [name] if name else []


def _people(text: str, titles: Sequence[str], subject: str, tagger: Tagger | None) -> list[str]:
    """Persons named in ``text``, in order: evidence titles it names and PERSON spans."""
    found: list[tuple[int, str]] = []
    norm = f" {normalise(text)} "
    for title in titles:
        at = norm.find(f" {normalise(title)} ")
        if at >= 0 and normalise(title):
            found.append((at, title))
    if tagger is not None:
        for span, label in tagger.tag([text])[0]:
            if label == "PERSON":
                found.append((norm.find(f" {normalise(span)} "), span))
    found = [(at, name) for at, name in found if at >= 0]
    found.sort(key=lambda f: (f[0], -len(f[1])))
    out: list[str] = []
    for _, name in found:
        if contains(subject, name) or contains(name, subject):
            continue  # the page's own subject ("Toda" in Toda's page)
        if any(contains(o, name) for o in out):
            continue
        out.append(name)
    return out


def _answer(out: Walk, attribute: Attribute, tagger: Tagger | None) -> None:
    last = out.hops[-1]
    cited = [(h.n, h.sentence) for h in out.hops]
    if attribute == Attribute.ITSELF:
        # The page's title is the entity's full name ("Lee Hazlewood" -> its page's title).
        out.short = _QUALIFIER.sub("", out.page.title) if out.page is not None else last.name
        if out.page is not None:
            cited.append((out.page.n, sentences(out.page.text)[0]))
    elif out.page is not None and attribute != Attribute.OTHER:
        for chunk in out.chunks:
            found = read_attribute(chunk.text, attribute, tagger)
            if found is not None:
                out.short = found.value
                cited.append((chunk.n, found.sentence))
                break
        if not out.short:
            return
    else:
        return
    seen: set[int] = set()
    for n, sentence in cited:
        if n not in seen:
            seen.add(n)
            out.items.append(n)
            out.said.append(sentence)
