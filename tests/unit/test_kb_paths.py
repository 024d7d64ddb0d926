"""KB relation paths scored as a whole against the whole question: the three questions of
issue 21 that stopped one hop early, sibling walks, answer sets, and the topic never answering
its own question. The embedder is a table of word meanings (offline, exact), the store a list
of triples with ``relations_of``'s contract."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from kgqa.domain import Entity, Fact
from kgqa.errors import InputError
from kgqa.graph.relation_paths import (
    StepCache,
    extend_walks,
    restated_backward,
    start_walk,
    stated_both_ways,
    steps_by_entity,
    walk_end_sets,
)
from kgqa.names import entity_id, normalize_name
from kgqa.relation_examples.examples import RelationExample, read_examples, write_examples
from kgqa.relation_examples.learn import QaPair, learn_examples
from kgqa.relation_examples.match import ExampleMatcher
from kgqa.retrieval.kb import KbAnswerer
from kgqa.retrieval.linking import LinkedEntity

TRIPLES = [
    ("Poison Ivy", "starred_actors", "Sara Gilbert"),
    ("Poison Ivy", "written_by", "Katt Shea"),
    ("Poison Ivy", "directed_by", "Katt Shea"),
    ("Poison Ivy", "has_genre", "Thriller"),
    ("Riding in Cars with Boys", "starred_actors", "Sara Gilbert"),
    ("Riding in Cars with Boys", "written_by", "Morgan Ward"),
    ("Riding in Cars with Boys", "directed_by", "Penny Marshall"),
    ("Talk to Her", "directed_by", "Pedro Almodóvar"),
    ("Talk to Her", "has_genre", "Drama"),
    ("Volver", "directed_by", "Pedro Almodóvar"),
    ("Volver", "has_genre", "Comedy"),
    ("Bad Education", "directed_by", "Pedro Almodóvar"),
    ("Bad Education", "written_by", "Pedro Almodóvar"),
    ("Steel Magnolias", "written_by", "Robert Harling"),
    ("Steel Magnolias", "has_genre", "Comedy"),
    ("Steel Magnolias", "starred_actors", "Sally Field"),
    ("Soapdish", "written_by", "Robert Harling"),
    ("Soapdish", "has_genre", "Romance"),
    ("Soapdish", "starred_actors", "Sally Field"),
    ("The Evening Star", "written_by", "Robert Harling"),
    ("The Evening Star", "has_genre", "Drama"),
]

# Word meanings: each word stands for one concept, and a text is the mean of its words.
CONCEPTS = {
    "starred": "actor", "actors": "actor", "acted": "actor", "stars": "actor",
    "written": "writer", "screenwriter": "writer", "writer": "writer", "wrote": "writer",
    "write": "writer",
    "directed": "director", "director": "director",
    "genre": "genre", "genres": "genre",
    "films": "film", "movies": "film", "film": "film",
    "child": "child", "children": "child", "parent": "parent", "parents": "parent",
}  # fmt: skip
_DIM = 64


def _id(name: str) -> str:
    return entity_id(normalize_name(name))


def _concept_vector(word: str) -> np.ndarray:
    seed = zlib.crc32(CONCEPTS.get(word, word).encode())
    return np.random.default_rng(seed).standard_normal(_DIM)


def embed(texts: Sequence[str]) -> np.ndarray:
    rows = []
    for text in texts:
        words = [w for w in re.findall(r"[a-z]+", text.lower()) if w not in {"by", "has"}]
        v = sum((_concept_vector(w) for w in words), np.zeros(_DIM))
        norm = np.linalg.norm(v)
        rows.append(v / norm if norm else v)
    return np.asarray(rows)


class Triples:
    """The one store read relation paths need, over an in-memory list of ``kb`` facts."""

    def __init__(self, triples: list[tuple[str, str, str]]) -> None:
        self.facts = [Fact(_id(s), s, p, _id(o), o, "kb") for s, p, o in triples]
        self.calls = 0
        self.read = 0  # entities asked for, over all calls

    def relations_of(self, entity_ids: Sequence[str], limit_per_entity: int) -> list[Fact]:
        self.calls += 1
        self.read += len(entity_ids)
        wanted = set(entity_ids)
        kept: dict[str, Fact] = {}
        per: dict[str, int] = {}
        for f in self.facts:
            for e in (f.subject_id, f.object_id):
                if e in wanted and per.get(e, 0) < limit_per_entity:
                    per[e] = per.get(e, 0) + 1
                    kept[f.id] = f
        return sorted(kept.values(), key=lambda f: (f.subject_id, f.predicate, f.object_id))

    def kb_triples_of(
        self, entity_ids: Sequence[str], limit_per_entity: int
    ) -> list[tuple[str, str, str]]:
        facts = self.relations_of(entity_ids, limit_per_entity)
        return [(f.subject_id, f.predicate, f.object_id) for f in facts]

    def find_entities(self, keys: Sequence[str]) -> dict[str, list[Entity]]:
        names = {normalize_name(n): n for f in self.facts for n in (f.subject, f.object)}
        return {k: [Entity(entity_id(k), names[k], "KB")] for k in keys if k in names}


@pytest.fixture
def answerer() -> KbAnswerer:
    return KbAnswerer(Triples(TRIPLES), embed)  # type: ignore[arg-type]


def _linked(name: str) -> list[LinkedEntity]:
    entity = Entity(_id(name), name, "KB")
    return [LinkedEntity(entity, 1.0, name, "exact")]


def _best_set(answers: list) -> set[str]:
    return {a.name for a in answers if a.in_best_set}


def test_the_screenwriter_of_an_actors_films_goes_the_whole_way(answerer: KbAnswerer) -> None:
    question = "who is listed as screenwriter of Sara Gilbert starred movies"
    answers = answerer.answer(question, _linked("Sara Gilbert"))
    assert answers[0].relations == ("starred_actors", "written_by")
    assert _best_set(answers) == {"Katt Shea", "Morgan Ward"}


def test_a_sibling_walk_answers_also_and_never_with_the_topic(answerer: KbAnswerer) -> None:
    question = "the director of Talk to Her is also the director of which films"
    answers = answerer.answer(question, _linked("Talk to Her"))
    assert answers[0].relations == ("directed_by", "directed_by")
    assert _best_set(answers) == {"Volver", "Bad Education"}
    assert "Talk to Her" not in {a.name for a in answers}


def test_the_genres_of_a_writers_films_not_the_films(answerer: KbAnswerer) -> None:
    question = "the films written by Robert Harling were in which genres"
    answers = answerer.answer(question, _linked("Robert Harling"))
    assert answers[0].relations == ("written_by", "has_genre")
    assert _best_set(answers) == {"Comedy", "Romance", "Drama"}


def test_one_hop_questions_keep_their_one_relation(answerer: KbAnswerer) -> None:
    answers = answerer.answer("which films did Robert Harling write", _linked("Robert Harling"))
    assert answers[0].relations == ("written_by",)
    assert _best_set(answers) == {"Steel Magnolias", "Soapdish", "The Evening Star"}


def test_films_sharing_more_paths_rank_first_in_the_set() -> None:
    triples = [*TRIPLES, ("Soapdish", "starred_actors", "Kevin Kline")]
    triples += [("Steel Magnolias", "starred_actors", "Kevin Kline")]
    triples += [("Dave", "starred_actors", "Kevin Kline")]
    answerer = KbAnswerer(Triples(triples), embed)  # type: ignore[arg-type]
    question = "which films starred the actors of Soapdish"
    answers = answerer.answer(question, _linked("Soapdish"))
    assert answers[0].relations == ("starred_actors", "starred_actors")
    assert answers[0].name == "Steel Magnolias" and answers[0].support == 2
    assert _best_set(answers) == {"Steel Magnolias", "Dave"}


def test_the_topic_answers_only_a_path_that_reaches_nothing_else() -> None:
    # PathQuestion: "who is the child of shah_shuja's parent" -> shah_shuja, the only child.
    triples = [
        ("shah_shuja", "parents", "mumtaz_mahal"),
        ("mumtaz_mahal", "children", "shah_shuja"),
    ]
    answerer = KbAnswerer(Triples(triples), embed)  # type: ignore[arg-type]
    answers = answerer.answer("who is the child of shah_shuja 's parent", _linked("shah_shuja"))
    assert (answers[0].name, answers[0].relations) == ("shah_shuja", ("parents", "children"))
    triples.append(("mumtaz_mahal", "children", "jahanara"))
    sibling = KbAnswerer(Triples(triples), embed)  # type: ignore[arg-type]
    answers = sibling.answer("who is the child of shah_shuja 's parent", _linked("shah_shuja"))
    assert _best_set(answers) == {"jahanara"}


def test_walked_end_sets_answer_without_the_start() -> None:
    store = Triples(TRIPLES)
    cache = StepCache(store, fanout=100)  # type: ignore[arg-type]
    ends = walk_end_sets([_id("Talk to Her")], 3, cache, max_frontier=100)
    siblings = ends[(("directed_by", True), ("directed_by", False))]
    assert siblings == {_id("Volver"), _id("Bad Education")}
    assert all(_id("Talk to Her") not in found or len(found) == 1 for found in ends.values())
    # Every entity's steps were read once, in one call per hop.
    assert store.calls <= 3


def test_walks_far_below_the_best_are_not_read_on_where_examples_tell(tmp_path: Path) -> None:
    question = "the films written by Robert Harling were in which genres"
    examples = tmp_path / "examples.jsonl"
    examples.write_text(
        json.dumps({"question": "the films written by [entity] were in which genres",
                    "relations": ["written_by", "has_genre"]}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    full, pruned, blind = Triples(TRIPLES), Triples(TRIPLES), Triples(TRIPLES)
    matcher = ExampleMatcher(examples, embed)
    everything = KbAnswerer(full, embed, examples=matcher, margin=10.0)  # type: ignore[arg-type]
    best_only = KbAnswerer(pruned, embed, examples=matcher, margin=0.3)  # type: ignore[arg-type]
    expected = everything.answer(question, _linked("Robert Harling"))
    answers = best_only.answer(question, _linked("Robert Harling"))
    assert [(a.name, a.relations) for a in answers if a.in_best_set] == [
        (a.name, a.relations) for a in expected if a.in_best_set
    ]
    assert pruned.read < full.read
    # Without examples a first hop's score says little of what follows: nothing is pruned.
    KbAnswerer(blind, embed, margin=0.3).answer(question, _linked("Robert Harling"))  # type: ignore[arg-type]
    unpruned = Triples(TRIPLES)
    KbAnswerer(unpruned, embed, margin=10.0).answer(question, _linked("Robert Harling"))  # type: ignore[arg-type]
    assert blind.read == unpruned.read


def _kin_embed(texts: Sequence[str]) -> np.ndarray:
    """``embed`` with "parents", "children" and "son" one meaning: only direction tells."""
    kin = {"parents": "son", "children": "son"}
    return embed([" ".join(kin.get(w, w) for w in t.lower().split()) for t in texts])


def test_a_relation_walked_back_loses_to_the_one_the_kb_states_forward() -> None:
    # PathQuestion stores family links both ways; "X's son" is "X children Y", not "Y parents
    # X" walked back, and the two tie on words alone.
    # (The store returns facts sorted by entity id: the walked-back one comes first here.)
    triples = [("zoe", "parents", "aaron"), ("aaron", "children", "zoe")]
    answerer = KbAnswerer(Triples(triples), _kin_embed)  # type: ignore[arg-type]
    answers = answerer.answer("who is aaron 's son", _linked("aaron"))
    assert answers[0].name == "zoe"
    assert answers[0].relations == ("children",)
    walked_back = [a for a in answers if a.relations == ("parents",)]
    assert all(a.score < answers[0].score for a in walked_back)


def test_a_relation_the_kb_states_both_ways_is_discounted_walked_back_even_alone() -> None:
    # PathQuestion's KBs are cut around their paths: "s parents k" has its reverse "k
    # children s", but "c parents s" has none, so no sibling walk forward reaches c. Walking
    # parents back from s (to s's own child c) still reads "father" as "child".
    triples = [("k", "children", "s"), ("s", "parents", "k"), ("c", "parents", "s")]
    by_entity = steps_by_entity(Triples(triples).relations_of([_id("s")], 100))
    assert stated_both_ways(by_entity) == {"parents", "children"}
    answerer = KbAnswerer(Triples(triples), _kin_embed)  # type: ignore[arg-type]
    answers = answerer.answer("who is the son of k 's son", _linked("k"))
    assert answers[0].name == "k" and answers[0].relations == ("children", "parents")
    walked_back = [a for a in answers if a.name == "c"]
    assert walked_back and all(a.score < answers[0].score for a in walked_back)


def test_a_relation_stated_one_way_only_is_walked_back_undiscounted() -> None:
    # MetaQA states every relation film -> value: "which films did X direct" walks back.
    store = Triples(TRIPLES)
    by_entity = steps_by_entity(store.relations_of([_id("Pedro Almodóvar")], 100))
    walks = extend_walks([start_walk(_id("Pedro Almodóvar"))], by_entity, 100)
    assert {w.hops for w in walks} >= {(("directed_by", False),), (("written_by", False),)}
    assert restated_backward(walks) == []
    assert stated_both_ways(by_entity) == set()
    assert all(w.restated == 0 for w in walks)
    # A self-loop (a recording and its release of one name) is its own reverse: not counted.
    loop = steps_by_entity(Triples([("r", "recording", "r")]).relations_of([_id("r")], 100))
    assert stated_both_ways(loop) == set()


def test_pairs_of_one_wording_decide_its_path_together() -> None:
    # f1's genre is also its tag, f2's genre also its mood: each pair alone cannot tell which
    # relation "what genre is X" asks for; all three pairs together can.
    triples = [("f1", "genre", "g1"), ("f1", "tag", "g1"), ("f2", "genre", "g2")]
    triples += [("f2", "mood", "g2"), ("f3", "genre", "g3"), ("f3", "tag", "x")]
    pairs = [QaPair(f"what genre is f{i}", f"f{i}", (f"g{i}",)) for i in (1, 2, 3)]
    pairs.append(QaPair("what kind is f1", "f1", ("g1",)))
    examples, report = learn_examples(Triples(triples), pairs, max_hops=1)  # type: ignore[arg-type]
    assert examples == [RelationExample("what genre is [entity]", ("genre",), 3, (True,))]
    # "what kind is X" has one pair, split evenly between genre and tag: it teaches nothing.
    assert (report.learned, report.ambiguous) == (3, 1)


def test_words_run_together_are_read_as_the_embedders_two_words() -> None:
    # "starredmovies" is no word; read as "starred movies" it names the first hop again.
    question = "who is listed as screenwriter of Sara Gilbert starredmovies"
    words = frozenset(CONCEPTS) | {"who", "is", "listed", "as", "of"}
    split = KbAnswerer(Triples(TRIPLES), embed, vocabulary=lambda: words)  # type: ignore[arg-type]
    answers = split.answer(question, _linked("Sara Gilbert"))
    assert answers[0].relations == ("starred_actors", "written_by")
    # Read as written, the word explains nothing and the same path scores lower.
    as_written = KbAnswerer(Triples(TRIPLES), embed)  # type: ignore[arg-type]
    assert as_written.answer(question, _linked("Sara Gilbert"))[0].score < answers[0].score - 0.05


def test_examples_learn_which_way_a_relation_is_walked_and_answers_follow_it(
    tmp_path: Path,
) -> None:
    # "The Class" is a film with tags and also a tag of other films (one node by name): the
    # tags of the film are has_tags walked forward, the films tagged with it walked back.
    triples = [("The Class", "has_tags", "french"), ("The Class", "has_tags", "cannes")]
    triples += [("Heat", "has_tags", "crime"), ("Other School", "has_tags", "The Class")]
    pairs = [QaPair("what words describe Heat", "Heat", ("crime",))]
    examples, _ = learn_examples(Triples(triples), pairs, max_hops=1)  # type: ignore[arg-type]
    assert [e.path for e in examples] == [(("has_tags",), (True,))]
    path = tmp_path / "examples.jsonl"
    write_examples(path, examples)
    assert read_examples(path) == examples
    assert json.loads(path.read_text(encoding="utf-8"))["forward"] == [True]
    question = "what words describe The Class"
    learned = KbAnswerer(Triples(triples), embed, examples=ExampleMatcher(path, embed))  # type: ignore[arg-type]
    assert _best_set(learned.answer(question, _linked("The Class"))) == {"french", "cannes"}
    # A hand-written example names no direction: both walks fit it and tie.
    path.write_text(
        json.dumps({"question": "what words describe [entity]", "relations": ["has_tags"]}) + "\n",
        encoding="utf-8",
    )
    either = KbAnswerer(Triples(triples), embed, examples=ExampleMatcher(path, embed))  # type: ignore[arg-type]
    assert _best_set(either.answer(question, _linked("The Class"))) == {
        "french",
        "cannes",
        "Other School",
    }


def test_an_examples_direction_must_be_one_flag_per_relation(tmp_path: Path) -> None:
    path = tmp_path / "examples.jsonl"
    row = {"question": "who directed [entity]", "relations": ["directed_by"], "forward": [1]}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="forward"):
        read_examples(path)


def test_a_walk_is_read_as_its_relations_each_named_once() -> None:
    # "the husband of Ann's wife's darling": the question's cosines with "spouse spouse" and
    # "spouse spouse spouse" differ only by how MiniLM dilutes a repeated word, which favoured
    # the shorter walk (PathQuestion PQ-3H, 2026-12-07: 32 misses of this one shape). How many
    # times a relation is walked is the word alignment's to say; the cosines read each once.
    chain = [("Ann", "spouse", "Bob"), ("Bob", "spouse", "Cid"), ("Cid", "spouse", "Dee")]
    seen: list[str] = []

    def spy(texts: Sequence[str]) -> np.ndarray:
        seen.extend(texts)
        return embed([re.sub(r"husband|wife|partner", "spouse", t) for t in texts])

    answers = KbAnswerer(Triples(chain), spy).answer(  # type: ignore[arg-type]
        "the husband of Ann's wife's partner?", _linked("Ann")
    )
    assert answers[0].relations == ("spouse", "spouse", "spouse")
    assert "spouse" in seen
    assert not [t for t in seen if t.startswith("spouse spouse")]
    # A turn is named again: walked back, the relation reaches other things (siblings).
    seen.clear()
    question = "the director of Talk to Her also directed which films"
    answers = KbAnswerer(Triples(TRIPLES), spy).answer(question, _linked("Talk to Her"))  # type: ignore[arg-type]
    assert answers[0].relations == ("directed_by", "directed_by")
    assert "directed by directed by" in seen
