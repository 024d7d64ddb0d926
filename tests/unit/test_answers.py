"""The answer stage without a model: question typing, short answers, the support check,
repetition cuts, and the Answerer over scripted replies (the two failures of issue 15)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from kgqa.answering import UNSUPPORTED, Answerer
from kgqa.answers.candidates import Candidate, CandidateSource, compose
from kgqa.answers.compare import decide_by_words, decide_options, decide_same
from kgqa.answers.normal import contains, normalise
from kgqa.answers.questions import AnswerType, QuestionKind, QuestionType, classify
from kgqa.answers.short import extract_short, first_sentence, to_asked_precision
from kgqa.answers.stopping import cut_repetition
from kgqa.answers.support import Verdict, check_support
from kgqa.domain import Passage
from kgqa.reader.base import ChatPrompt
from kgqa.retrieval.engine import Evidence


class TableTagger:
    """NER by lookup: the spans a real model would tag in these fixed sentences."""

    def __init__(self, labels: dict[str, str]) -> None:
        self._labels = labels

    def tag(self, texts: Sequence[str]) -> list[list[tuple[str, str]]]:
        return [[(s, lab) for s, lab in self._labels.items() if s in t] for t in texts]


class ScriptedReader:
    name = "scripted"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[ChatPrompt] = []

    def warm_up(self) -> None: ...

    def close(self) -> None: ...

    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        self.prompts.extend(prompts)
        return [self.reply for _ in prompts]

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        self.prompts.append(prompt)
        yield from self.reply.split(" ")


# -- question typing -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind", "answer_type"),
    [
        ("Where was Marie Curie born?", QuestionKind.WH, AnswerType.PLACE),
        ("Who directed the film Inception?", QuestionKind.WH, AnswerType.PERSON),
        ("When did the director of film Hypocrite die?", QuestionKind.WH, AnswerType.DATE),
        ("What year was the band formed?", QuestionKind.WH, AnswerType.DATE),
        ("How many members does the band have?", QuestionKind.WH, AnswerType.NUMBER),
        ("Which country is the director of film Foo from?", QuestionKind.WH, AnswerType.PLACE),
        ("What nationality is Ed Wood?", QuestionKind.WH, AnswerType.NATIONALITY),
        ("Are Scott Derrickson and Ed Wood of the same nationality?", QuestionKind.YES_NO, None),
        ("Is Warsaw the capital of Poland?", QuestionKind.YES_NO, None),
        ("Did the movies A and B originate from the same country?", QuestionKind.YES_NO, None),
    ],
)
def test_question_kind_and_expected_answer_type(
    question: str, kind: QuestionKind, answer_type: AnswerType | None
) -> None:
    qtype = classify(question)
    assert qtype.kind == kind
    if answer_type is not None:
        assert qtype.answer_type == answer_type


@pytest.mark.parametrize(
    ("question", "options"),
    [
        (
            "Who was born first, Arthur Conan Doyle or Penelope Lively?",
            ("Arthur Conan Doyle", "Penelope Lively"),
        ),
        (
            "Which magazine was started first Arthur's Magazine or First for Women?",
            ("Arthur's Magazine", "First for Women"),
        ),
        (
            "Which film came out first, Blind Shaft or The Mask Of Fu Manchu?",
            ("Blind Shaft", "The Mask Of Fu Manchu"),
        ),
    ],
)
def test_comparison_options(question: str, options: tuple[str, ...]) -> None:
    qtype = classify(question)
    assert qtype.kind == QuestionKind.COMPARISON and qtype.options == options


def test_unknown_shapes_are_other() -> None:
    assert classify("Tell me about Warsaw.").kind == QuestionKind.OTHER
    assert classify("").kind == QuestionKind.OTHER


# -- normalisation and short answers -------------------------------------------------------------
def test_numbers_written_two_ways_are_the_same_answer() -> None:
    assert normalise("Three") == normalise("3")
    assert contains("The city had 1,000 inhabitants.", "1000")
    assert contains("The band had three members.", "3")
    assert not contains("Warsawa", "Warsaw")


def test_short_answer_from_a_sentence_prefers_a_candidate() -> None:
    qtype = classify("Where was Marie Curie born?")
    candidates = [Candidate("Warsaw", AnswerType.PLACE, 2.0, [1])]
    reply = "Marie Curie was born in Warsaw in 1867. [1]"
    assert extract_short(reply, "Where was Marie Curie born?", qtype, candidates) == "Warsaw"


def test_short_answer_without_candidates_takes_a_typed_span_not_in_the_question() -> None:
    question = "When did Marie Curie die?"
    short = extract_short("Marie Curie died on 4 July 1934 [2].", question, classify(question))
    assert short == "4 July 1934"


def test_short_reply_is_the_short_answer() -> None:
    question = "Who was her husband?"
    assert extract_short("Answer: Pierre Curie [1]", question, classify(question)) == "Pierre Curie"
    assert first_sentence("Pierre Curie [1]. He was a physicist.") == "Pierre Curie"


def test_yes_no_and_option_short_answers() -> None:
    yes_no = classify("Are Scott Derrickson and Ed Wood of the same nationality?")
    assert extract_short("Yes, both are American [1][2].", "", yes_no) == "yes"
    assert extract_short("They are not of the same nationality.", "", yes_no) == "no"
    question = "Who was born first, Arthur Conan Doyle or Penelope Lively?"
    comparison = classify(question)
    assert extract_short("Arthur Conan Doyle [1]", question, comparison) == "Arthur Conan Doyle"
    assert extract_short("Conan Doyle was born first", question, comparison) == (
        "Arthur Conan Doyle"
    )


def test_abstention_has_no_short_answer() -> None:
    qtype = classify("Where was Marie Curie born?")
    assert extract_short("I don't know based on the provided evidence.", "", qtype) == ""


# -- the support check ---------------------------------------------------------------------------
ITEMS = {
    1: "Zorblax Quintavian was a glassblower born in the town of Vellmora in 1911.",
    2: "Warsaw is the capital of Poland.",
}


def test_a_short_answer_in_no_cited_item_is_corrected_from_the_evidence() -> None:
    qtype = classify("Where was Zorblax Quintavian born?")
    vellmora = Candidate("Vellmora", AnswerType.PLACE, 2.0, [1])
    support = check_support(
        "Warsaw", qtype, "Where was Zorblax Quintavian born?", [1], {1: ITEMS[1]}, [vellmora]
    )
    assert support.verdict == Verdict.CORRECTED and support.short == "Vellmora"
    assert support.cited == [1]


def test_a_short_answer_nothing_supports_is_rejected() -> None:
    qtype = classify("Where was Zorblax Quintavian born?")
    support = check_support("Warsaw", qtype, "", [1], {1: ITEMS[1]}, [])
    assert support.verdict == Verdict.REJECTED and not support.ok


def test_an_uncited_short_answer_is_cited_where_it_is() -> None:
    qtype = classify("What is the capital of Poland?")
    support = check_support("Warsaw", qtype, "", [], ITEMS, [])
    assert support.verdict == Verdict.SUPPORTED and support.cited == [2]
    # Citing an item that does not say it is not support, even if another item does.
    assert check_support("Warsaw", qtype, "", [1], ITEMS, []).verdict == Verdict.REJECTED


def test_a_number_written_two_ways_is_supported() -> None:
    qtype = classify("How many members did the band have?")
    support = check_support("3", qtype, "", [1], {1: "The band had three members."}, [])
    assert support.verdict == Verdict.SUPPORTED


def test_yes_no_is_supported_by_evidence_naming_the_compared_entities() -> None:
    question = "Are Scott Derrickson and Ed Wood of the same nationality?"
    items = {
        1: "Scott Derrickson is an American director.",
        2: "Ed Wood was an American filmmaker.",
        3: "Warsaw is the capital of Poland.",
    }
    support = check_support("yes", classify(question), question, [], items)
    assert support.verdict == Verdict.SUPPORTED and support.cited == [1, 2]
    wrong = check_support("maybe", classify(question), question, [], items)
    assert wrong.verdict == Verdict.REJECTED
    elsewhere = check_support("no", classify(question), question, [3], {3: items[3]})
    assert elsewhere.verdict == Verdict.REJECTED


def test_a_comparison_answer_must_be_an_option_named_by_the_evidence() -> None:
    question = "Which band formed first, Oasis or Blur?"
    qtype = classify(question)
    items = {1: "Oasis were formed in Manchester in 1991.", 2: "Blur formed in London in 1988."}
    support = check_support("Blur", qtype, question, [2], items)
    assert support.verdict == Verdict.SUPPORTED and support.short == "Blur"
    assert check_support("Pulp", qtype, question, [2], items).verdict == Verdict.REJECTED


# -- candidates ----------------------------------------------------------------------------------
def test_candidates_are_typed_and_never_named_by_the_question() -> None:
    question = "Where was Marie Curie born?"
    sources = [
        CandidateSource(1, "passage", "Marie Curie", "Marie Curie was born in Warsaw in 1867."),
        CandidateSource(2, "passage", "Pierre Curie", "Pierre Curie was born in Paris."),
    ]
    tagger = TableTagger({"Marie Curie": "PERSON", "Warsaw": "GPE", "Paris": "GPE"})
    found = compose(question, classify(question), sources, tagger)
    assert [c.text for c in found] == ["Warsaw", "Paris"]
    assert found[0].items == [1]


def test_fact_candidates_from_a_question_entity() -> None:
    question = "Who was Marie Curie's husband?"
    sources = [
        CandidateSource(
            1,
            "fact",
            "Marie Curie",
            "Marie Curie married Pierre Curie",
            subject="Marie Curie",
            predicate="married",
            object="Pierre Curie",
            object_label="PERSON",
        )
    ]
    found = compose(question, classify(question), sources, None)
    assert [c.text for c in found] == ["Pierre Curie"]


# -- stopping ------------------------------------------------------------------------------------
def test_repetition_is_cut() -> None:
    looping = (
        "Pierre Curie. She married Pierre Curie in 1895. She was born in Paris. "
        "She married Pierre Curie in 1895. She was born in Paris."
    )
    assert cut_repetition(looping) == (
        "Pierre Curie. She married Pierre Curie in 1895. She was born in Paris."
    )
    assert cut_repetition("Warsaw [1]") == "Warsaw [1]"


# -- the Answerer over scripted replies ----------------------------------------------------------
def _evidence(question: str, *texts: str) -> Evidence:
    passages = [
        Passage(f"d{i}#0", f"d{i}", f"doc {i}", text, 0, len(text))
        for i, text in enumerate(texts, start=1)
    ]
    return Evidence(question=question, passages=passages)


TAGS = TableTagger(
    {
        "Zorblax Quintavian": "PERSON",
        "Vellmora": "GPE",
        "1911": "DATE",
        "Marie Curie": "PERSON",
        "Warsaw": "GPE",
        "1867": "DATE",
        "Pierre Curie": "PERSON",
    }
)


def test_issue_warsaw_against_vellmora_is_not_let_through() -> None:
    evidence = _evidence(
        "Where was Zorblax Quintavian born?",
        "Zorblax Quintavian was a glassblower born in the town of Vellmora in 1911.",
        "Marie Curie was born in Warsaw in 1867. She married Pierre Curie.",
    )
    reader = ScriptedReader("Zorblax Quintavian was born in 1911 in Warsaw, Poland. [1][3]")
    answer = Answerer(reader, 128, 6000, tagger=TAGS).answer(evidence)
    assert answer.short == "Vellmora" and not answer.abstained
    assert [c.n for c in answer.citations] == [1]
    assert "Warsaw" not in answer.text and "[1]" in answer.text
    # The reader was offered the typed candidates.
    assert "Possible answers: Vellmora" in reader.prompts[0][-1].content


def test_issue_marie_curie_born_in_warsaw_passes() -> None:
    evidence = _evidence(
        "Where was Marie Curie born?",
        "Marie Curie was born in Warsaw in 1867. She married Pierre Curie.",
    )
    reader = ScriptedReader("Marie Curie was born in Warsaw in 1867. [1]")
    answer = Answerer(reader, 128, 6000, tagger=TAGS).answer(evidence)
    assert answer.short == "Warsaw" and not answer.abstained and not answer.unsupported
    assert answer.text.startswith("Marie Curie was born in Warsaw") and "[1]" in answer.text


def test_the_explanation_is_the_evidence_sentence_not_the_reader_s_claim() -> None:
    # The issue's chatbot answer: the right name inside a false sentence of the reader's.
    evidence = _evidence(
        "Who was Marie Curie's husband?",
        "Marie Curie was born in Warsaw in 1867. She married Pierre Curie in 1895.",
    )
    reader = ScriptedReader("Marie Curie was the husband of Pierre Curie. [1]")
    answer = Answerer(reader, 128, 6000, tagger=TAGS).answer(evidence)
    assert answer.short == "Pierre Curie"
    assert answer.text == "She married Pierre Curie in 1895. [1]"
    assert [c.n for c in answer.citations] == [1]


def test_the_explanation_cites_the_item_that_says_the_short_answer() -> None:
    evidence = _evidence(
        "Where was Marie Curie born?",
        "Marie Curie was a physicist and chemist.",
        "Marie Curie was born in Warsaw in 1867.",
    )
    answer = Answerer(ScriptedReader("Warsaw"), 128, 6000, tagger=TAGS).answer(evidence)
    assert answer.short == "Warsaw"
    assert answer.text == "Marie Curie was born in Warsaw in 1867. [2]"
    assert [c.n for c in answer.citations] == [2]


def test_yes_no_answer_is_kept_not_turned_into_an_abstention() -> None:
    evidence = _evidence(
        "Are Scott Derrickson and Ed Wood both film directors?",
        "Scott Derrickson is an American film director.",
        "Ed Wood was an American filmmaker and director.",
    )
    answer = Answerer(ScriptedReader("yes"), 128, 6000, tagger=TAGS).answer(evidence)
    assert answer.short == "yes" and not answer.abstained
    assert [c.n for c in answer.citations] == [1, 2]


def test_nothing_supports_it_abstains() -> None:
    evidence = _evidence("Where was Zorblax Quintavian born?", "Warsaw is the capital of Poland.")
    tags = TableTagger({"Warsaw": "GPE", "Poland": "GPE"})
    answer = Answerer(ScriptedReader("Vellmora [1]"), 128, 6000, tagger=tags).answer(evidence)
    assert answer.abstained and answer.unsupported and answer.short == ""
    assert answer.text == UNSUPPORTED


def test_reader_abstaining_is_answered_by_a_strong_candidate() -> None:
    evidence = _evidence("Where was Marie Curie born?", "Marie Curie was born in Warsaw in 1867.")
    reader = ScriptedReader("I don't know based on the provided evidence.")
    answer = Answerer(reader, 128, 6000, tagger=TAGS).answer(evidence)
    assert answer.short == "Warsaw" and [c.n for c in answer.citations] == [1]


def test_stream_ends_with_the_checked_answer() -> None:
    evidence = _evidence("Where was Marie Curie born?", "Marie Curie was born in Warsaw.")
    events = list(Answerer(ScriptedReader("Warsaw [1]"), 128, 6000, tagger=TAGS).stream(evidence))
    assert events[0].kind == "evidence" and events[-1].kind == "answer"
    assert events[-1].answer is not None and events[-1].answer.short == "Warsaw"


def test_question_type_carries_options() -> None:
    assert QuestionType(QuestionKind.YES_NO).options == ()


# -- comparisons decided from the evidence -------------------------------------------------------
def _pages(*pages: tuple[str, str]) -> list[CandidateSource]:
    return [CandidateSource(n, "passage", t, text) for n, (t, text) in enumerate(pages, start=1)]


def test_born_first_is_decided_from_each_option_s_page() -> None:
    question = "Who was born first, Arthur Conan Doyle or Penelope Lively?"
    sources = _pages(
        ("Penelope Lively", "Dame Penelope Lively (born 17 March 1933) is a British writer."),
        ("Arthur Conan Doyle", "Sir Arthur Conan Doyle (22 May 1859 – 7 July 1930) was a writer."),
    )
    decision = decide_options(question, classify(question).options, sources, None)
    assert decision is not None and decision.short == "Arthur Conan Doyle"
    assert set(decision.items) == {1, 2}


def test_a_director_comparison_hops_to_the_director_s_page() -> None:
    question = "Which film has the director who died later, Night Train or Red Gap?"
    sources = _pages(
        ("Night Train", "Night Train is a 1950 drama film directed by Ann Smith."),
        ("Red Gap", "Red Gap is a 1948 western directed by Bob Jones."),
        ("Ann Smith", "Ann Smith (1900 – 1960) was a director."),
        ("Bob Jones", "Bob Jones (1890 – 1975) was a director."),
    )
    tagger = TableTagger({"Ann Smith": "PERSON", "Bob Jones": "PERSON"})
    decision = decide_options(question, classify(question).options, sources, tagger)
    assert decision is not None and decision.short == "Red Gap" and decision.items == (3, 4)


def test_same_nationality_compares_the_heads_of_both_pages() -> None:
    question = "Are Kurram Garhi and Trojkrsti located in the same country?"
    sources = _pages(
        ("Kurram Garhi", "Kurram Garhi is a village in Pakistan."),
        ("Trojkrsti", "Trojkrsti is a village in North Macedonia."),
    )
    tagger = TableTagger({"Pakistan": "GPE", "North Macedonia": "GPE"})
    entities = ["Kurram Garhi", "Trojkrsti"]
    decision = decide_same(question, entities, sources, tagger)
    assert decision is not None and decision.short == "no"
    same = _pages(("Kurram Garhi", "A village in Pakistan."), ("Trojkrsti", "Also in Pakistan."))
    decision = decide_same(question, entities, same, tagger)
    assert decision is not None and decision.short == "yes"


def test_without_dates_a_comparison_falls_back_to_the_page_that_says_it() -> None:
    question = "Which writer was from England, Henry Roth or Robert Erskine Childers?"
    sources = _pages(
        ("Henry Roth", "Henry Roth was an American novelist."),
        ("Robert Erskine Childers", "Robert Erskine Childers was an author from England."),
    )
    options = classify(question).options
    assert decide_options(question, options, sources, None) is None
    decision = decide_by_words(question, options, sources)
    assert decision is not None and decision.short == "Robert Erskine Childers"


def test_a_supported_answer_from_an_unrelated_page_gives_way_to_a_clear_candidate() -> None:
    evidence = _evidence(
        "Where was Zorblax Quintavian born?",
        "Zorblax Quintavian was a glassblower born in the town of Vellmora in 1911.",
        "Pierre Curie was a French physicist, born in Paris in 1859.",
    )
    tags = TableTagger({"Vellmora": "GPE", "Paris": "GPE", "Zorblax Quintavian": "PERSON"})
    answer = Answerer(ScriptedReader("Paris [2]"), 128, 6000, tagger=tags).answer(evidence)
    assert answer.short == "Vellmora" and [c.n for c in answer.citations] == [1]


def test_a_year_question_gets_the_year_of_a_full_date() -> None:
    assert to_asked_precision("December 10, 1962", "He was born in what year?") == "1962"
    assert to_asked_precision("3 May 1956", "When was he born?") == "3 May 1956"
