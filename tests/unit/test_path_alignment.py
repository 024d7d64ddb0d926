"""Word alignment of relation paths: path order, spans, and what a missing relation costs."""

from __future__ import annotations

import numpy as np
import pytest

from kgqa.retrieval.path_alignment import (
    MENTION,
    ROLE_FRAME,
    AskedWords,
    alignment_score,
    alignment_scores,
    content_words,
    relation_texts,
    split_run_together,
)


def test_words_after_the_mention_come_first_then_those_before_it_nearest_first() -> None:
    asked = AskedWords.read(f"the place of birth of {MENTION} 's other half 's father")
    assert asked.words == ("other", "half", "father", "birth", "place")


def test_spans_are_single_words_or_two_adjacent_ones_on_one_side_of_the_mention() -> None:
    asked = AskedWords.read(f"the religious belief of {MENTION} 's other half")
    texts = {span.text for span in asked.spans}
    assert {"other half", "religious belief", "other", "half", "belief"} <= texts
    # "half" and "belief" are neighbours in path order but lie on both sides of the mention.
    assert "half belief" not in texts and "belief half" not in texts
    # Across a function word is not a span: one relation must not swallow two.
    assert "birth place" not in {
        s.text for s in AskedWords.read(f"place of birth of {MENTION}").spans
    }


def _sims(asked: AskedWords, table: dict[str, dict[str, float]], path: list[str]) -> np.ndarray:
    return np.asarray([[table.get(s.text, {}).get(r, 0.0) for r in path] for s in asked.spans])


SIMS = {
    "sex": {"gender": 0.8, "spouse": 0.1},
    "wife": {"spouse": 0.7, "gender": 0.2},
}


def test_a_word_no_relation_explains_costs_the_shorter_path() -> None:
    asked = AskedWords.read(f"the sex of {MENTION} 's wife")
    short = alignment_score(asked, _sims(asked, SIMS, ["spouse"]))
    right = alignment_score(asked, _sims(asked, SIMS, ["spouse", "gender"]))
    assert right > short > 0


def test_relations_align_in_path_order_only() -> None:
    asked = AskedWords.read(f"the sex of {MENTION} 's wife")  # path order: wife, sex
    right = alignment_score(asked, _sims(asked, SIMS, ["spouse", "gender"]))
    reversed_ = alignment_score(asked, _sims(asked, SIMS, ["gender", "spouse"]))
    assert right > reversed_


def test_a_repeated_word_asks_for_the_relation_again() -> None:
    asked = AskedWords.read(f"the tracks of {MENTION} 's tracks")
    table = {"tracks": {"tracks": 1.0}}
    once = alignment_score(asked, _sims(asked, table, ["tracks"]))
    twice = alignment_score(asked, _sims(asked, table, ["tracks", "tracks"]))
    assert twice == pytest.approx(1.0) and once < twice


def test_more_relations_than_words_cannot_align() -> None:
    asked = AskedWords.read(f"who is {MENTION} 's wife")
    assert alignment_score(asked, _sims(asked, SIMS, ["spouse", "gender"])) == 0.0


def test_alignment_scores_take_relation_vectors_by_name() -> None:
    asked = AskedWords.read(f"{MENTION} 's wife")
    spans = np.asarray([[1.0, 0.0]])
    relations = {"spouse": np.asarray([1.0, 0.0]), "gender": np.asarray([0.0, 1.0])}
    scores = alignment_scores(asked, spans, relations, [("spouse",), ("gender",)])
    assert scores[("spouse",)] == pytest.approx(1.0)
    assert scores[("gender",)] == pytest.approx(0.0)


def test_a_turn_may_not_take_the_next_word_of_its_relations_phrase() -> None:
    # "a man or a woman" is one phrase naming gender once: walking back along gender (to every
    # person of that gender) must not explain "woman" and outscore spouse, gender.
    asked = AskedWords.read(f"is {MENTION} 's wife a man or a woman")
    table = {"wife": {"spouse": 0.7}, "man": {"gender": 0.5}, "woman": {"gender": 0.5}}
    right = alignment_score(asked, _sims(asked, table, ["spouse", "gender"]))
    path = ["spouse", "gender", "gender"]
    turned = alignment_score(asked, _sims(asked, table, path), [False, False, True])
    chained = alignment_score(asked, _sims(asked, table, path), [False, False, False])
    assert turned < right < chained


def test_a_turn_named_by_words_of_its_own_still_aligns() -> None:
    # The director of X also directed which films: directed_by there and back, named twice.
    asked = AskedWords.read(f"the director of {MENTION} also directed which films", True)
    assert asked.words[0] == "director"
    table = {"director": {"directed_by": 0.8}, "directed": {"directed_by": 0.8}}
    path = ["directed_by", "directed_by"]
    sibling = alignment_score(asked, _sims(asked, table, path), [False, True])
    one_hop = alignment_score(asked, _sims(asked, table, ["directed_by"]))
    assert sibling > one_hop > 0


def test_words_joined_by_of_or_a_possessive_are_one_phrase_or_two() -> None:
    assert AskedWords.read(f"the cause of death of {MENTION}").joined == (False, True)
    assert AskedWords.read(f"{MENTION} 's mother 's father").joined == (False, False)
    # Path order actors, starred, films: an article parts "starred the actors".
    asked = AskedWords.read(f"which films starred the actors of {MENTION}")
    assert asked.words == ("actors", "starred", "films")
    assert asked.joined == (False, False, True)


def test_a_word_between_an_article_and_the_mention_names_the_mention_not_a_relation() -> None:
    assert content_words(f"who is the writer of the film {MENTION}") == ["writer"]
    assert content_words(f"the actor {MENTION} starred together with who") == [
        "starred",
        "together",
    ]
    # Not an apposition: a relation word right before the mention, or after "of".
    assert content_words(f"who directed {MENTION}") == ["directed"]
    assert AskedWords.read(f"the writer of the film {MENTION}").words == ("writer",)


def test_a_hierarchical_relation_name_is_read_whole_and_as_its_last_part() -> None:
    assert relation_texts("__book__book_subject__works") == ["book book subject works", "works"]
    assert relation_texts("people.person.place_of_birth")[1] == "place of birth"
    assert relation_texts("starred_actors") == ["starred actors"]


def test_a_span_aligns_to_the_best_reading_of_a_relations_name() -> None:
    asked = AskedWords.read(f"{MENTION} 's works")
    spans = np.asarray([[1.0, 0.0]])
    # Readings: the whole name (far from "works") and its last part (the word itself).
    works = {"__book__book_subject__works": np.asarray([[0.6, 0.8], [1.0, 0.0]])}
    whole_only = {"__book__book_subject__works": np.asarray([0.6, 0.8])}
    path = [("__book__book_subject__works",)]
    assert alignment_scores(asked, spans, works, path)[path[0]] == pytest.approx(1.0)
    assert alignment_scores(asked, spans, whole_only, path)[path[0]] == pytest.approx(0.6)


def test_a_do_support_question_reads_its_clause_around_the_subject_as_one_word() -> None:
    # "what does X's husband do": the subject walks to the husband, "what does it do" asks
    # for his profession; read as its content words alone, the question names only spouse.
    [asked] = AskedWords.readings(f"what does {MENTION} 's husband do")
    assert asked.words == ("husband", "what does it do")
    table = {"husband": {"spouse": 0.7}, "what does it do": {"profession": 0.4}}
    whole = alignment_score(asked, _sims(asked, table, ["spouse", "profession"]))
    stopped = alignment_score(asked, _sims(asked, table, ["spouse"]))
    assert whole > stopped
    # The wh-phrase is the verb's object: one phrase with it, not a word of its own.
    [faith] = AskedWords.readings(f"what faith does {MENTION} 's heir have")
    assert faith.words == ("heir", "what faith does it have")
    assert content_words(f"what does {MENTION} 's husband do") == ["husband", "what does it do"]


def test_a_two_word_subject_noun_is_one_reading_and_questions_without_do_support_none() -> None:
    readings = AskedWords.readings(f"where does {MENTION} 's other half come from")
    assert [r.words for r in readings] == [
        ("other", "where does it half come from"),
        ("other", "half", "where does it come from"),
    ]
    assert "other half" in {s.text for s in readings[1].spans}
    # No do-support, or no possessive subject: read as before.
    for plain in (
        f"what is the nationality of {MENTION} 's couple",
        f"which films did {MENTION} direct",
    ):
        assert AskedWords.framed(plain) == []
        assert AskedWords.readings(plain)[0] == AskedWords.read(plain)


def test_the_name_of_a_thing_asks_for_the_thing_not_a_relation() -> None:
    asked = AskedWords.read(f"what is the name of the gender of couple of {MENTION} 's darling")
    assert asked.words == ("darling", "couple", "gender")
    # Elsewhere "name" is a word like any other.
    assert content_words(f"which name did {MENTION} use") == ["name", "use"]


def test_a_word_after_a_possessive_an_article_or_of_stands_as_a_noun() -> None:
    asked = AskedWords.read(f"what is {MENTION} 's heir working on")
    nouns = {s.text: s.noun for s in asked.spans}
    assert nouns["heir"] and not nouns["working"]
    of = {s.text: s.noun for s in AskedWords.read(f"the heir of the dad of {MENTION}").spans}
    assert of["heir"] and of["dad"]
    assert not {s.text: s.noun for s in AskedWords.read(f"which films did {MENTION} direct").spans}[
        "films"
    ]
    assert ROLE_FRAME.format("heir") == "the heir of someone"


def test_a_noun_also_aligns_as_a_role_and_other_words_do_not() -> None:
    # Bare, "heir" sits nearer parents; as roles, "the heir of someone" nearer children.
    relations = {"parents": np.asarray([1.0, 0.0]), "children": np.asarray([0.0, 1.0])}
    roles = {"parents": np.asarray([0.0, 1.0]), "children": np.asarray([1.0, 0.0])}
    paths = [("parents",), ("children",)]
    heir = AskedWords.read(f"{MENTION} 's heir")
    spans, framed = np.asarray([[0.6, 0.5]]), np.asarray([[0.9, 0.2]])
    plain = alignment_scores(heir, spans, relations, paths)
    assert plain[("parents",)] > plain[("children",)]
    as_role = alignment_scores(heir, spans, relations, paths, None, (framed, roles))
    assert as_role[("children",)] > as_role[("parents",)]
    # The frame reorders but lifts nothing above the best plain match (a shorter path would
    # gain by it).
    assert as_role[("children",)] <= plain[("parents",)]
    # Scored alone, a path is scored as among others: the level is set over every relation.
    alone = alignment_scores(heir, spans, relations, [("children",)], None, (framed, roles))
    assert alone[("children",)] == pytest.approx(as_role[("children",)])
    # The same word where no noun stands is compared bare only.
    verb = AskedWords.read(f"{MENTION} heir")
    assert not verb.spans[0].noun
    assert alignment_scores(verb, spans, relations, paths, None, (framed, roles)) == plain


def test_a_word_the_vocabulary_lacks_is_read_as_two_it_knows() -> None:
    vocabulary = {"father", "dead", "fat", "grand", "sex", "the", "what", "made"}
    split = split_run_together(f"what made the {MENTION} s fatherdead", vocabulary)
    assert AskedWords.read(split).words == ("father", "dead", "made")
    # Known words, words with no two-word reading, and parts under three letters stay.
    assert split_run_together("father fathers deadx", vocabulary) == "father fathers deadx"
    assert AskedWords.read(split_run_together("sexdead", {"se", "xdead", "sex", "dead"})).words == (
        "sex",
        "dead",
    )


def test_a_do_support_clause_must_be_explained_by_the_last_relation() -> None:
    # "what does X's husband do": the husband is the clause's subject, never its answer, so a
    # path stopping at him scores what its one relation scores against the clause.
    [asked] = AskedWords.readings(f"what does {MENTION} 's husband do")
    assert asked.clause_last
    table = {"husband": {"spouse": 0.9}, "what does it do": {"profession": 0.2, "spouse": 0.1}}
    stopped = alignment_score(asked, _sims(asked, table, ["spouse"]))
    whole = alignment_score(asked, _sims(asked, table, ["spouse", "profession"]))
    assert stopped == pytest.approx(0.1 * (0.3 + 0.7 / 2))
    assert whole > stopped
    assert not AskedWords.read(f"what is {MENTION} 's husband").clause_last


def test_a_grand_compound_is_one_generation_more_and_its_parts_keep_their_order() -> None:
    vocabulary = {"sex", "son", "daughter", "the", "of"}
    # Out of the vocabulary or in it, "grand-" is read as a generation step before its head.
    for question, words in [
        (f"the grandsex of {MENTION} s daughter", ("daughter", "generation", "sex")),
        (f"the grandson of {MENTION}", ("generation", "son")),
        (f"{MENTION} s grandson", ("generation", "son")),
    ]:
        assert AskedWords.read(split_run_together(question, vocabulary)).words == words
    # Read right to left before the mention, a compound still names its parts left to right.
    split = split_run_together(f"the sexdaughter of {MENTION}", vocabulary)
    assert AskedWords.read(split).words == ("sex", "daughter")
    assert AskedWords.read(f"the sex daughter of {MENTION}").words == ("daughter", "sex")
    # A head under three letters, or none the vocabulary knows, is no compound of "grand".
    assert split_run_together("grandeur grandma", vocabulary) == "grandeur grandma"
