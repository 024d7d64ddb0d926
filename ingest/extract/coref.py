"""Coreference within a passage, by rules over the spaCy parse (measured in README, issue 20).

Wikipedia-style passages are about their title (the topic), and refer back to it with a pronoun
("He was married to Teutberga") or a definite description ("The film was directed by ..."):

- the topic's own pronoun is the passage's most used of "he" and "she"; "it", "its", "they" refer
  to the topic too;
- a possessive in a coordination ("Duke Bolko II and his wife Guta") is the first name's;
- a possessive ("his sister") in a clause whose subject is a named person is that person's;
- a pronoun of the other gender ("She" in a passage about a man) refers to the latest person
  named before it who is not the topic and not only the object of an "of" ("daughter of Boso"
  names Boso as a relative, not as the next subject);
- "the film", "the company", ... refers to the topic when the opening sentence calls the topic
  that ("X is a 1961 Hindi movie": movie, film, picture) or when the passage has one topic and
  the noun is a kind of work or organisation.
"""

from __future__ import annotations

from typing import Any

MALE = frozenset({"he", "him", "his", "himself"})
FEMALE = frozenset({"she", "her", "hers", "herself"})
NEUTER = frozenset({"it", "its", "itself", "they", "them", "their"})
PRONOUNS = MALE | FEMALE | NEUTER

# Nouns a passage uses for its topic, grouped so "the film" finds "a 1961 Hindi movie".
_KINDS = (
    {"film", "movie", "picture", "documentary", "feature"},
    {"song", "single", "track", "ballad"},
    {"album", "record", "ep", "compilation"},
    {"novel", "book", "story", "work", "poem"},
    {"series", "show", "programme", "program", "sitcom", "drama"},
    {"company", "firm", "corporation", "business", "brand", "label", "studio"},
    {"band", "group", "duo", "trio"},
    {"village", "town", "city", "settlement", "municipality", "commune", "community"},
    {"game", "opera", "play", "musical"},
    {"university", "college", "school", "institute", "academy"},
    {"team", "club"},
    {"magazine", "newspaper", "journal", "paper"},
    {"river", "lake", "island", "mountain"},
    {"station", "airport", "bridge", "church", "abbey", "building"},
)


def _kind_of(lemma: str) -> set[str]:
    for kind in _KINDS:
        if lemma in kind:
            return kind
    return set()


class Coreference:
    """Which mention a pronoun or a definite description in one chunk stands for."""

    def __init__(
        self,
        doc: Any,
        token_mention: dict[int, int],
        person_mentions: set[int],
        topic: int | None,
    ) -> None:
        self._token_mention = token_mention
        self._persons = person_mentions
        self.topic = topic
        self.topic_gender = _first_gender(doc)
        self.topic_nouns = _topic_nouns(doc) if topic is not None else set()

    def resolve(self, token: Any) -> int | None:
        """The mention ``token`` (a pronoun or "the <noun>") refers to, or None."""
        lower = token.lower_
        if lower in PRONOUNS:
            return self._pronoun(token, lower)
        if token.pos_ == "NOUN" and self.topic is not None:
            definite = any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in token.children)
            if definite and token.lemma_.lower() in self.topic_nouns:
                return self.topic
        return None

    def _pronoun(self, token: Any, lower: str) -> int | None:
        gender = "m" if lower in MALE else "f" if lower in FEMALE else None
        if token.dep_ == "poss":
            listed = self._listed_before(token)
            if listed is not None:
                return listed
            bound = self._clause_subject(token)
            if bound is not None:
                return bound
        if gender is None or self.topic_gender is None or gender == self.topic_gender:
            return self.topic
        return self._latest_person(token)

    def _listed_before(self, token: Any) -> int | None:
        """ "the son of Duke Bolko II and his wife Guta": his = the name the phrase is
        coordinated with."""
        head = token.head
        if head.dep_ != "conj":
            return None
        for t in head.head.subtree:
            if t.i >= token.i:
                break
            index = self._token_mention.get(t.i)
            if index is not None and index in self._persons:
                return index
        return None

    def _clause_subject(self, token: Any) -> int | None:
        """ "Ruaidhrí faced resistance from his sister": a possessive binds to the named subject
        of its own clause."""
        head = token.head
        for _ in range(6):
            if head.pos_ in ("VERB", "AUX") or head.head.i == head.i:
                break
            head = head.head
        for child in head.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                index = self._token_mention.get(child.i)
                if index is not None and index in self._persons:
                    return index
        return None

    def _latest_person(self, token: Any) -> int | None:
        for t in reversed(token.doc[: token.i]):
            index = self._token_mention.get(t.i)
            if index is None or index not in self._persons or index == self.topic:
                continue
            if t.dep_ == "pobj" and t.head.lower_ == "of":
                continue
            # Tokens of the mention inside an "of" phrase: look at the mention's root.
            if t.head.i in self._token_mention and self._token_mention[t.head.i] == index:
                continue
            return index
        return None


def _first_gender(doc: Any) -> str | None:
    """The gender of the passage's most used personal pronouns: those are the topic's."""
    male = sum(token.lower_ in MALE for token in doc)
    female = sum(token.lower_ in FEMALE for token in doc)
    if male == female:
        return None
    return "m" if male > female else "f"


def _topic_nouns(doc: Any) -> set[str]:
    """What the opening sentence calls its subject ("is a 1961 Hindi movie" -> movie, film,
    picture, ...)."""
    sents = list(doc.sents)
    if not sents:
        return set()
    nouns: set[str] = set()
    for token in sents[0]:
        if token.dep_ == "attr" and token.head.lemma_ == "be" and token.pos_ in ("NOUN", "PROPN"):
            lemma = token.lemma_.lower()
            nouns |= {lemma} | _kind_of(lemma)
    return nouns
