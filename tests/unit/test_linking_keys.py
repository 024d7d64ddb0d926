from kgqa.retrieval.linking import candidate_keys


def test_titles_with_function_words_at_the_edges_are_lookup_keys() -> None:
    keys = candidate_keys("what year was He Said, She Said released")
    assert "he said she said" in keys


def test_short_grams_with_function_words_at_the_edges_are_not() -> None:
    keys = candidate_keys("who is the director of Jaws")
    assert "jaws" in keys
    assert "the director" not in keys
    assert "is the director" not in keys  # two of three words are function words
    assert not any(k.split()[0] in {"who", "is"} and len(k.split()) < 3 for k in keys)


def test_a_capitalised_function_word_may_bound_a_title() -> None:
    assert "disaster movie" in candidate_keys("who wrote the movie Disaster Movie")
    assert "last supper" in candidate_keys("who is listed as director for The Last Supper")
    assert "in the mouth of madness" in candidate_keys(
        "what sort of film is In the Mouth of Madness"
    )


def test_case_says_nothing_in_a_question_typed_in_one_case() -> None:
    # ("movie" is no stop word: a data set's word is no function word of English.)
    assert "the movie" not in candidate_keys("WHO WROTE THE MOVIE DISASTER MOVIE")
    assert "the movie" not in candidate_keys("who wrote the movie disaster movie")
    # The first word is capitalised by grammar, not because it is a name.
    assert "what year" not in candidate_keys("What year was Jaws released")
