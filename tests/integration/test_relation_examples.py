"""Relation examples learned from question-answer pairs (distant supervision over an imported
KB), on both graph backends, and how they change KB answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kgqa.api import KGQA
from kgqa.cli.main import app
from kgqa.errors import InputError
from kgqa.relation_examples.examples import RelationExample, read_examples
from kgqa.relation_examples.learn import QaPair, learn_examples, read_qa_pairs
from kgqa.settings import Settings
from kgqa.wiring import Components, build_components
from tests.neo4j_fixture import graph_settings

pytestmark = pytest.mark.integration

FILMS = """\
Dog Soldiers\thas_tags\thorror
Dog Soldiers\thas_tags\tbritish
Dog Soldiers\tin_language\tEnglish
Dog Soldiers\tdirected_by\tNeil Marshall
Dog Soldiers\thas_genre\tAction
The Descent\thas_tags\tcaves
The Descent\thas_tags\tclaustrophobic
The Descent\tin_language\tEnglish
The Descent\tdirected_by\tNeil Marshall
Tokyo Sonata\thas_tags\ttokyo
Tokyo Sonata\thas_tags\tkiyoshi kurosawa
Tokyo Sonata\tin_language\tJapanese
Tokyo Sonata\tdirected_by\tKiyoshi Kurosawa
Tokyo Sonata\thas_genre\tDrama
Cencoroll\thas_tags\tanime
Cencoroll\thas_genre\tAnime
Cencoroll\tin_language\tJapanese
Heading South\thas_genre\tDrama
Heading South\tin_language\tFrench
Seven Men from Now\thas_genre\tWestern
"""

PAIRS = """\
which words describe film [Dog Soldiers]\thorror|british
what topics is [The Descent] about\tcaves|claustrophobic
what language is [Dog Soldiers] in\tEnglish
who directed [The Descent]\tNeil Marshall
what genre is [Cencoroll]\tAnime
what films did [Nobody Known] direct\tDog Soldiers
"""


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def films_parts(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Components]:
    """The components of a store holding FILMS (learning reads the store directly)."""
    graph = graph_settings(request)
    kb = tmp_path / "films.tsv"
    kb.write_text(FILMS, encoding="utf-8")
    components = build_components(Settings(data_dir=tmp_path / "store", graph=graph))
    with KGQA(components) as instance:
        instance.ingest_triples([kb])
        yield components


@pytest.fixture
def films(films_parts: Components) -> KGQA:
    return KGQA(films_parts)


def _pairs(tmp_path: Path) -> Path:
    path = tmp_path / "pairs.txt"
    path.write_text(PAIRS, encoding="utf-8")
    return path


def test_learning_finds_the_path_to_the_answers_and_counts_what_it_cannot(
    films_parts: Components, tmp_path: Path
) -> None:
    examples, report = learn_examples(films_parts.store, read_qa_pairs(_pairs(tmp_path)))
    assert set(examples) == {
        # Each learned with its hop's direction: from the film, as the KB states them.
        RelationExample("which words describe film [entity]", ("has_tags",), 1, (True,)),
        RelationExample("what topics is [entity] about", ("has_tags",), 1, (True,)),
        RelationExample("what language is [entity] in", ("in_language",), 1, (True,)),
        RelationExample("who directed [entity]", ("directed_by",), 1, (True,)),
    }
    # Cencoroll's genre and its only tag are both "anime": the answers cannot tell them apart.
    assert report.as_dict() == {
        "pairs": 6,
        "learned": 4,
        "topic_not_found": 1,
        "no_fitting_path": 0,
        "ambiguous": 1,
        "examples": 0,
    }


def test_a_two_hop_example_when_no_single_relation_fits(films_parts: Components) -> None:
    pair = QaPair("what language are films by Neil Marshall in", "Neil Marshall", ("English",))
    examples, report = learn_examples(films_parts.store, [pair])
    assert report.learned == 1
    assert examples == [
        # From the director back to his films, then on to their language.
        RelationExample(
            "what language are films by [entity] in",
            ("directed_by", "in_language"),
            1,
            (False, True),
        )
    ]


def test_three_hop_examples_and_their_answer_sets(
    films: KGQA, films_parts: Components, tmp_path: Path
) -> None:
    more = tmp_path / "more.tsv"
    more.write_text(
        "Doomsday\tdirected_by\tNeil Marshall\nDoomsday\thas_tags\tpost-apocalyptic\n", "utf-8"
    )
    films.ingest_triples([more])
    # Dog Soldiers -directed_by-> Neil Marshall <-directed_by- The Descent, Doomsday -has_tags->
    # (through English, only The Descent's tags: the answers tell the two paths apart).
    pair = QaPair(
        "which words describe the films that share directors with Dog Soldiers",
        "Dog Soldiers",
        ("caves", "claustrophobic", "post-apocalyptic"),
    )
    examples, report = learn_examples(films_parts.store, [pair], max_hops=3)
    assert report.learned == 1
    assert examples == [
        RelationExample(
            "which words describe the films that share directors with [entity]",
            ("directed_by", "directed_by", "has_tags"),
            1,
            (True, False, True),
        )
    ]
    pairs = tmp_path / "three.txt"
    pairs.write_text(
        "which words describe the films that share directors with [Dog Soldiers]"
        "\tcaves|claustrophobic|post-apocalyptic\n",
        encoding="utf-8",
    )
    films.learn_relations(pairs, max_hops=3)
    answers = films.retrieve(
        "which words describe the films that share directors with The Descent"
    ).kb_answers
    assert answers[0].relations == ("directed_by", "directed_by", "has_tags")
    assert {a.name for a in answers if a.in_best_set} == {"horror", "british", "post-apocalyptic"}


def test_learning_cost_is_one_store_read_per_hop_per_batch(films_parts: Components) -> None:
    calls = 0
    store = films_parts.store
    kb_triples_of = store.kb_triples_of

    def counted(ids: list[str], limit: int) -> list:
        nonlocal calls
        calls += 1
        return kb_triples_of(ids, limit)

    store.kb_triples_of = counted  # type: ignore[method-assign]
    pairs = [
        QaPair(f"what language are films by Neil Marshall in {i}", "Neil Marshall", ("English",))
        for i in range(40)
    ]
    _, report = learn_examples(store, pairs, max_hops=3)
    assert report.learned == 40
    # Walked once per hop for all pairs, then served from the step cache.
    assert calls <= 3


def test_the_learners_triples_are_the_kb_facts_capped_alike(films_parts: Components) -> None:
    store = films_parts.store
    found = store.find_entities(["english", "dog soldiers"])
    ids = [e.id for entities in found.values() for e in entities]
    for limit in (1, 2, 100):
        facts = store.relations_of(ids, limit)
        expected = [(f.subject_id, f.predicate, f.object_id) for f in facts if f.kind == "kb"]
        assert store.kb_triples_of(ids, limit) == expected
    assert len(store.kb_triples_of(ids, 100)) == 6  # Dog Soldiers' 5 facts, The Descent's English


def test_learned_examples_turn_the_answer_to_the_relation_asked_for(
    films: KGQA, tmp_path: Path
) -> None:
    question = "what are some words that describe Tokyo Sonata"
    before = films.retrieve(question).kb_answers[0]
    # MiniLM reads "words" as nearer "in language" than "has tags": the reason for examples.
    assert before.relations != ("has_tags",)

    report = films.learn_relations(_pairs(tmp_path))
    assert report.examples == 4
    after = films.retrieve(question).kb_answers
    assert after[0].relations == ("has_tags",)
    assert {a.name for a in after[:2]} == {"tokyo", "kiyoshi kurosawa"}
    # A question the examples say nothing new about keeps its answer.
    directed = films.retrieve("who directed Tokyo Sonata").kb_answers[0]
    assert (directed.name.lower(), directed.relations) == ("kiyoshi kurosawa", ("directed_by",))


def test_a_wording_learned_for_two_paths_leans_to_the_one_most_pairs_taught(
    films: KGQA, tmp_path: Path
) -> None:
    # Two films' tags are missing from this partial KB and their gold tag is their genre, so
    # "what words describe" is taught has_genre twice and has_tags once.
    pairs = tmp_path / "words.txt"
    pairs.write_text(
        "what words describe [Dog Soldiers]\thorror|british\n"
        "what words describe [Heading South]\tDrama\n"
        "what words describe [Seven Men from Now]\tWestern\n",
        encoding="utf-8",
    )
    films.learn_relations(pairs)
    assert set(read_examples(films.settings.relation_examples_path)) == {
        RelationExample("what words describe [entity]", ("has_tags",), 1, (True,)),
        RelationExample("what words describe [entity]", ("has_genre",), 2, (True,)),
    }
    # Each example weighs as its share of the wording (2/3 against 1/3); unweighted, both
    # would match fully and the relation names alone would pick has_tags.
    best = films.retrieve("what words describe Tokyo Sonata").kb_answers[0]
    assert (best.name, best.relations) == ("Drama", ("has_genre",))


def test_learning_again_merges_without_duplicates(films: KGQA, tmp_path: Path) -> None:
    pairs = _pairs(tmp_path)
    assert films.learn_relations(pairs).examples == 4
    extra = tmp_path / "more.jsonl"
    extra.write_text(
        json.dumps(
            {
                "question": "who made Tokyo Sonata",
                "topic": "Tokyo Sonata",
                "answers": ["Kiyoshi Kurosawa"],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    assert films.learn_relations(extra).examples == 5
    assert films.learn_relations(pairs).examples == 5
    stored = read_examples(films.settings.relation_examples_path)
    assert len(stored) == len(set(stored)) == 5


def test_bad_pairs_file_names_the_line_and_stores_nothing(films: KGQA, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("who directed [Dog Soldiers]\tNeil Marshall\nno topic here\tX\n", "utf-8")
    with pytest.raises(InputError, match=r"bad.txt:2: .*brackets no topic"):
        films.learn_relations(bad)
    assert not films.settings.relation_examples_path.exists()


def test_bad_examples_file_is_an_input_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "relation_examples.jsonl"
    path.write_text(
        '{"question": "who directed [entity]", "relations": ["directed_by"]}\n'
        '{"question": "x", "relations": "directed_by"}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"relation_examples.jsonl:2: 'relations' must be a list"):
        read_examples(path)
    path.write_text('{"question": "x", "relations": ["r"], "count": 0}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"relation_examples.jsonl:1: 'count' must be a positive"):
        read_examples(path)


def test_cli_learn_relations_reports_json(tmp_path: Path) -> None:
    kb = tmp_path / "films.tsv"
    kb.write_text(FILMS, encoding="utf-8")
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest-triples", str(kb), "--data-dir", store]).exit_code == 0
    result = runner.invoke(
        app, ["learn-relations", str(_pairs(tmp_path)), "--json", "--data-dir", store]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["learned"] == 4
    missing = runner.invoke(
        app, ["learn-relations", str(tmp_path / "nope.txt"), "--data-dir", store]
    )
    assert missing.exit_code == 2 and "no such file" in " ".join(missing.output.split())
