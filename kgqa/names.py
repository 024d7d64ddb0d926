"""Entity-name normalisation and stable ids, shared by the write and the read path.

Both sides must agree exactly: ingest resolves "The Beatles'" and "the beatles" to one key,
and the query side finds it again from a question.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)(?=\s|$)")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_DOTTED_ACRONYM = re.compile(r"\b(?:\w\.){2,}")


def normalize_name(name: str) -> str:
    """Return the lookup key of an entity name.

    NFKC folds full-width forms to half-width; then case, possessives, punctuation, a leading
    English article and runs of whitespace are removed. CJK characters are kept as they are.

    >>> normalize_name("The  Beatles’s")
    'beatles'
    >>> normalize_name("ＡＢＣ，公司")
    'abc 公司'
    """
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _POSSESSIVE.sub("", text)
    text = _NON_WORD.sub(" ", text).replace("_", " ").strip()
    text = " ".join(text.split())
    return _LEADING_ARTICLE.sub("", text) or text


_ACRONYM_TYPES = frozenset({"ORG", "GPE", "NORP", "FAC", "LOC", "TOPIC", "KB", "OTHER"})
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "de", "&"})
ACRONYM_PREFIX = "acronym:"


def initials(name: str) -> str:
    """Lower-case initials of a multi-word name, minor words skipped; "" for one word.

    >>> initials("International Business Machines")
    'ibm'
    """
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in _MINOR_WORDS]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


def acronym_key(name: str, entity_type: str) -> str | None:
    """The lookup key under which an acronym finds this name ("acronym:ibm"), if any.

    Keys of this form never collide with ``normalize_name`` keys, which contain no colon.
    """
    letters = initials(name)
    if letters and len(letters) <= 6 and entity_type in _ACRONYM_TYPES:
        return ACRONYM_PREFIX + letters
    return None


def entity_id(key: str) -> str:
    """Stable id of the entity whose canonical key is ``key`` (a ``normalize_name`` result)."""
    return "E" + hashlib.blake2b(key.encode("utf-8"), digest_size=10).hexdigest()


def content_hash(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()
