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
