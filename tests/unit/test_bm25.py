from __future__ import annotations

from kgqa.keyword.bm25 import Bm25KeywordIndex
from kgqa.keyword.tokenize import tokenize


def test_tokenize_drops_stopwords_and_makes_cjk_bigrams() -> None:
    assert tokenize("Where was Marie Curie born?") == ["marie", "curie", "born"]
    assert tokenize("北京是首都") == ["北京", "京是", "是首", "首都"]
    assert tokenize("ＡＢＣ 公") == ["abc", "公"]


def test_search_english_and_chinese() -> None:
    index = Bm25KeywordIndex()
    index.build(
        ["en1", "en2", "zh1", "zh2"],
        [
            "Marie Curie was born in Warsaw.",
            "Pierre Curie worked in Paris.",
            "北京是中华人民共和国的首都。",
            "上海是中国最大的城市。",
        ],
        fingerprint="v1",
    )
    assert index.search("Where was Marie Curie born?", 2)[0][0] == "en1"
    assert index.search("中国的首都是哪里", 1)[0][0] == "zh1"
    assert index.search("zzzz unknown words", 3) == []
    assert index.search("the of a", 3) == []


def test_ensure_rebuilds_only_when_the_fingerprint_changes() -> None:
    index = Bm25KeywordIndex()
    calls: list[int] = []

    def source() -> tuple[list[str], list[str]]:
        calls.append(1)
        return ["a"], ["alpha beta"]

    index.ensure("v1", source)
    index.ensure("v1", source)
    assert len(calls) == 1 and len(index) == 1
    index.ensure("v2", source)
    assert len(calls) == 2
    empty = Bm25KeywordIndex()
    empty.build([], [])
    assert empty.search("alpha", 3) == []
