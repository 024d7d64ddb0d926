"""Questions about an entity they only describe: the relation chain, the walk through the
evidence pages, and the attribute read off the last page."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from kgqa.answering import Answerer
from kgqa.answers.attributes import read_attribute
from kgqa.answers.candidates import CandidateSource
from kgqa.answers.chain import Attribute, Chain, parse_chain, parse_focus
from kgqa.answers.hops import walk
from kgqa.answers.questions import QuestionKind, classify
from kgqa.domain import Passage
from kgqa.reader.extractive import ExtractiveReader
from kgqa.retrieval.engine import Evidence


class TableTagger:
    """NER by lookup: the spans a real model would tag in these fixed sentences."""

    def __init__(self, labels: dict[str, str]) -> None:
        self._labels = labels

    def tag(self, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
        return [[(s, lab) for s, lab in self._labels.items() if s in t] for t in texts]


@pytest.mark.parametrize(
    ("question", "chain"),
    [
        (
            "Where was the director of film Doctor Krishna born?",
            Chain("Doctor Krishna", ("director",), Attribute.BIRTH_PLACE),
        ),
        (
            "Where was the place of death of the director of film Gold And The Woman?",
            Chain("Gold And The Woman", ("director",), Attribute.DEATH_PLACE),
        ),
        (
            "When did Toda Of Pamplona's mother die?",
            Chain("Toda Of Pamplona", ("mother",), Attribute.DEATH_DATE),
        ),
        (
            "What is the date of death of Julia Livia's father?",
            Chain("Julia Livia", ("father",), Attribute.DEATH_DATE),
        ),
        (
            "Who is the paternal grandfather of Dui Finn?",
            Chain("Dui Finn", ("father", "father"), Attribute.ITSELF),
        ),
        (
            "Who is the father of the director of film Battle In Seattle?",
            Chain("Battle In Seattle", ("director", "father"), Attribute.ITSELF),
        ),
        (
            "Which country Anthony I, Count Of Ligny's father is from?",
            Chain("Anthony I, Count Of Ligny", ("father",), Attribute.COUNTRY),
        ),
        (
            "Who is the father-in-law of Sisowath Kossamak?",
            Chain("Sisowath Kossamak", ("spouse", "father"), Attribute.ITSELF),
        ),
    ],
)
def test_relation_chains(question: str, chain: Chain) -> None:
    assert parse_chain(question) == chain


def test_a_question_naming_its_entity_has_no_chain() -> None:
    assert parse_chain("Where was Marie Curie born?") is None
    assert parse_chain("Who directed the film Inception?") is None


def test_the_focus_of_a_relative_clause() -> None:
    question = "The team represented Virginia Commonwealth University, which was founded when?"
    assert parse_focus(question) == "Virginia Commonwealth University"
    assert parse_focus("Where was Marie Curie born?") is None


def test_an_auxiliary_comparison_is_a_comparison() -> None:
    qtype = classify("Was Jamie Curry or Alyaksey Vasilewski born first?")
    assert qtype.kind == QuestionKind.COMPARISON
    assert qtype.options == ("Jamie Curry", "Alyaksey Vasilewski")


PAGES = [
    (
        "Battle in Seattle",
        "Battle in Seattle is a 2007 film written and directed by Stuart "
        "Townsend, in his directorial debut.",
    ),
    (
        "Stuart Townsend",
        "Stuart Peter Townsend (born 15 December 1972) is an Irish actor. He was "
        "born in Howth, Dublin, the son of Peter Townsend and Lorna Hogan.",
    ),
    (
        "Toda of Pamplona",
        "Toda Aznárez (876 – 15 October 958) was Queen consort of Pamplona. She "
        "was daughter of the Count Aznar Sánchez of Larraun and Onneca Fortúnez, and sister of "
        "Sancha Aznárez.",
    ),
    (
        "Onneca Fortúnez",
        "Onneca Fortúnez (c. 848 – after 890) was a Basque princess. She was the "
        "daughter of Fortún Garcés of Pamplona and his wife Auria.",
    ),
    (
        "Sam Cooke",
        "Samuel Cook (January 22, 1931 – December 11, 1964), known as Sam Cooke, was an "
        "American singer. He died in Los Angeles, California after being shot.",
    ),
]
TAGS = TableTagger(
    {
        "Stuart Townsend": "PERSON",
        "Peter Townsend": "PERSON",
        "Lorna Hogan": "PERSON",
        "Howth": "GPE",
        "Dublin": "GPE",
        "Sancha Aznárez": "PERSON",
        "Fortún Garcés": "PERSON",
        "Los Angeles": "GPE",
        "California": "GPE",
        "American": "NORP",
        "Irish": "NORP",
    }
)
SOURCES = [CandidateSource(i, "passage", t, x) for i, (t, x) in enumerate(PAGES, start=1)]


@pytest.mark.parametrize(
    ("question", "short", "items"),
    [
        ("When was the director of film Battle In Seattle born?", "15 December 1972", [1, 2]),
        ("Where was the director of film Battle In Seattle born?", "Howth, Dublin", [1, 2]),
        ("Who is the father of the director of film Battle In Seattle?", "Peter Townsend", [1, 2]),
        ("What nationality is the director of film Battle In Seattle?", "Irish", [1, 2]),
        # "daughter of A and B": the mother is B, not the sister named after them.
        ("When did Toda Of Pamplona's mother die?", "890", [3, 4]),
        ("Who is the maternal grandfather of Toda Of Pamplona?", "Fortún Garcés", [3, 4]),
    ],
)
def test_a_chain_walked_through_the_pages(question: str, short: str, items: list[int]) -> None:
    chain = parse_chain(question)
    assert chain is not None
    walked = walk(chain, SOURCES, TAGS)
    assert walked is not None
    assert (walked.short, walked.items) == (short, items)


def test_a_missing_page_stops_the_walk_without_guessing() -> None:
    chain = parse_chain("Where was the father of the director of film Battle In Seattle born?")
    assert chain is not None
    walked = walk(chain, SOURCES, TAGS)
    assert walked is not None and walked.short == "" and walked.page is None
    assert [h.name for h in walked.hops] == ["Stuart Townsend", "Peter Townsend"]


def test_attributes_from_a_lifespan_and_from_prose() -> None:
    text = PAGES[4][1]
    death = read_attribute(text, Attribute.DEATH_PLACE, TAGS)
    assert death is not None and death.value == "Los Angeles, California"
    born = read_attribute(text, Attribute.BIRTH_DATE, TAGS)
    assert born is not None and born.value == "January 22, 1931"
    untagged = "He was born in Figueira da Foz on February 2, 1939 and died in Lisbon."
    place = read_attribute(untagged, Attribute.BIRTH_PLACE, TableTagger({}))
    assert place is not None and place.value == "Figueira da Foz"


def test_the_answerer_answers_along_the_chain_citing_each_hop() -> None:
    question = "Where was the place of death of the performer of song Running Back?"
    texts = [
        ("Running Back", '"Running Back" is a song recorded by American singer Sam Cooke.'),
        *PAGES[4:],
    ]
    passages = [
        Passage(f"d{i}#0", f"d{i}", title, text, 0, len(text))
        for i, (title, text) in enumerate(texts, start=1)
    ]
    tags = TableTagger({"Sam Cooke": "PERSON", "Los Angeles": "GPE", "California": "GPE"})
    answer = Answerer(ExtractiveReader(), 32, 6000, tagger=tags).answer(
        Evidence(question=question, passages=passages)
    )
    assert answer.short == "Los Angeles, California" and not answer.abstained
    assert [c.n for c in answer.citations] == [1, 2]
    assert "recorded by American singer Sam Cooke. [1]" in answer.text


def test_both_with_a_property_one_page_contradicts_is_no() -> None:
    from kgqa.answers.compare import decide_both

    pages = [
        (
            "In the Realm of the Hackers",
            "In the Realm of the Hackers is a 2003 Australian "
            "documentary directed by Kevin Anderson.",
        ),
        ("Freakonomics (film)", "Freakonomics is a 2010 American documentary film."),
        ("Sicko", "Sicko is a 2007 American documentary film by Michael Moore."),
    ]
    sources = [CandidateSource(i, "passage", t, x) for i, (t, x) in enumerate(pages, start=1)]
    tags = TableTagger({"American": "NORP", "Australian": "NORP"})
    no = decide_both(
        "Are Freakonomics and In the Realm of the Hackers both American documentaries?",
        [],
        sources,
        tags,
    )
    assert no is not None and no.short == "no"
    yes = decide_both("Are Freakonomics and Sicko both American documentaries?", [], sources, tags)
    assert yes is not None and yes.short == "yes"
    # A place the question says a thing is "from" may hold the other page's place: undecided.
    places = TableTagger({"the United States": "GPE", "Illinois": "GPE"})
    assert (
        decide_both(
            "Are Sicko and Freakonomics both from the United States?",
            [],
            [
                CandidateSource(1, "passage", "Sicko", "Sicko is a film from the United States."),
                CandidateSource(
                    2, "passage", "Freakonomics", "Freakonomics is a film from Illinois."
                ),
            ],
            places,
        )
        is None
    )


def _passages(pages: Sequence[tuple[str, str]], start: int = 1) -> list[Passage]:
    return [
        Passage(f"d{i}#0", f"d{i}", title, text, 0, len(text))
        for i, (title, text) in enumerate(pages, start=start)
    ]


def test_a_missing_hop_page_is_looked_up_by_name() -> None:
    question = "When was the director of film Battle In Seattle born?"
    retrieved = _passages(PAGES[:1])
    library = {p.title: p for p in _passages(PAGES, start=10)}
    asked: list[str] = []

    def lookup(name: str) -> list[Passage]:
        asked.append(name)
        # What a retriever returns for a name: its page, and a page about something else.
        return [p for t, p in library.items() if t in (name, "Sam Cooke")]

    tags = TableTagger({"Stuart Townsend": "PERSON"})
    answerer = Answerer(ExtractiveReader(), 32, 6000, tagger=tags, lookup=lookup)
    answer = answerer.answer(Evidence(question=question, passages=retrieved))
    assert asked == ["Stuart Townsend"]
    assert answer.short == "15 December 1972"
    assert [c.title for c in answer.citations] == ["Battle in Seattle", "Stuart Townsend"]
    # Only the looked-up entity's own page joins the evidence.
    assert "Sam Cooke" not in {p.title for p in answer.passages}


def test_a_described_entity_is_answered_from_the_page_the_named_one_names() -> None:
    question = "Where is the company that Sachin Warrier worked for headquartered?"
    pages = [
        (
            "Sachin Warrier",
            "Sachin Warrier is a playback singer from Kochi. He worked as a "
            "software engineer at Tata Consultancy Services in Kochi.",
        ),
        (
            "Tata Consultancy Services",
            "Tata Consultancy Services is an IT company headquartered in Mumbai.",
        ),
    ]
    tags = TableTagger({"Kochi": "GPE", "Mumbai": "GPE", "Tata Consultancy Services": "ORG"})
    answer = Answerer(ExtractiveReader(), 32, 6000, tagger=tags).answer(
        Evidence(question=question, passages=_passages(pages))
    )
    assert answer.short == "Mumbai" and [c.n for c in answer.citations] == [2]
