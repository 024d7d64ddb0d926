from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ingest.chunking import Chunker, cjk_token_counter, minilm_token_counter, sentence_spans
from ingest.load import LoadOptions, LoadProblem, iter_documents
from kgqa.domain import Document
from kgqa.errors import InputError
from kgqa.language import detect_language


def load(paths, **options):
    return list(iter_documents(paths, LoadOptions(**options)))


def test_txt_md_html_loaders(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Marie Curie was born in Warsaw.", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Pierre\n\nPierre Curie was French.\n", encoding="utf-8")
    (tmp_path / "c.html").write_text(
        "<html><head><title>Paris</title><style>p{}</style></head><body><h1>Paris</h1>"
        "<script>alert(1)</script><p>Paris is the capital of France.</p></body></html>",
        encoding="utf-8",
    )
    docs = {Path(d.source).name: d for d in load([tmp_path])}
    assert docs["a.txt"].title == "a" and docs["a.txt"].text.startswith("Marie")
    assert docs["b.md"].title == "Pierre"
    html = docs["c.html"]
    assert html.title == "Paris"
    assert "capital of France" in html.text and "alert" not in html.text and "p{}" not in html.text
    assert all(d.lang == "en" and d.content_hash for d in docs.values())
    # A file's id is its path below the ingested folder: stable across runs and edits.
    assert docs["a.txt"].id == f"file:{tmp_path.name}/a.txt"
    assert [d.id for d in load([tmp_path / "a.txt"])] == ["file:a.txt"]
    (tmp_path / "a.txt").write_text("Marie Curie was born in Warsaw, Poland.", encoding="utf-8")
    edited = {Path(d.source).name: d for d in load([tmp_path])}["a.txt"]
    assert edited.id == docs["a.txt"].id and edited.content_hash != docs["a.txt"].content_hash


def test_jsonl_fields_metadata_and_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(
        json.dumps({"doc_id": "x1", "body": "Warsaw is in Poland.", "name": "W", "year": 2000})
        + "\n{not json\n"
        + json.dumps({"doc_id": "x2", "other": 1})
        + "\n\n"
        + json.dumps({"body": "北京是中国的首都。"})
        + "\n",
        encoding="utf-8",
    )
    items = load([path], text_field="body", id_field="doc_id", title_field="name")
    docs = [i for i in items if not isinstance(i, LoadProblem)]
    problems = [i for i in items if isinstance(i, LoadProblem)]
    assert [d.id for d in docs][0] == "x1"
    assert docs[0].title == "W" and docs[0].metadata == {"year": 2000}
    assert docs[1].lang == "zh" and docs[1].id.startswith("doc:")
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (2, "malformed JSON"),
        (3, "no text in field 'body'"),
    ]
    assert str(problems[0]).startswith(f"{path}:2")


def test_bad_files_become_problems(tmp_path: Path) -> None:
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "bad.txt").write_bytes(b"ok \xff\xfe broken")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "big.txt").write_text("x" * 2000)
    problems = {Path(p.source).name: p.message for p in load([tmp_path], max_bytes=1000)}
    assert "binary" in problems["bin.txt"]
    assert "invalid UTF-8 at byte 3" in problems["bad.txt"]
    assert problems["empty.txt"] == "empty document"
    assert "above the limit" in problems["big.txt"]
    replaced = load([tmp_path / "bad.txt"], encoding_errors="replace")
    assert "\ufffd" in replaced[0].text
    with pytest.raises(InputError, match="bin.txt: binary"):
        load([tmp_path / "bin.txt"], on_error="raise")
    with pytest.raises(InputError, match="no such file"):
        load([tmp_path / "missing.txt"])


def test_directory_globs_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "a.txt").write_text("alpha")
    (tmp_path / "skip.log").write_text("ignored: not in include")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "d.txt").write_text("draft")
    names = [Path(d.source).name for d in load([tmp_path], exclude=("drafts/*",))]
    assert names == ["a.txt"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"from stdin")))
    [doc] = load(["-"])
    assert doc.text == "from stdin" and doc.source == "<stdin>"


def test_language_detection() -> None:
    assert detect_language("Marie Curie was born in Warsaw.") == "en"
    assert detect_language("北京是中华人民共和国的首都，也是政治中心。") == "zh"
    assert detect_language("周杰伦 (Jay Chou) 是台湾歌手。") == "zh"


def test_sentences_respect_abbreviations_and_chinese_stops() -> None:
    text = "Dr. Smith met J. R. R. Tolkien in the U.S. Army. He left! 北京是首都。上海很大！"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Dr. Smith met J. R. R. Tolkien in the U.S. Army.",
        "He left!",
        "北京是首都。",
        "上海很大！",
    ]


@pytest.mark.parametrize("counter", [minilm_token_counter(), cjk_token_counter])
def test_chunks_reproduce_source_text_with_overlap(counter) -> None:
    text = " ".join(f"Sentence number {i} talks about Warsaw and Paris." for i in range(40))
    text += " 北京是中国的首都。" * 10
    doc = Document("d1", text)
    chunks = Chunker(max_tokens=40, overlap_tokens=12, count_tokens=counter).chunk(doc)
    assert len(chunks) > 5
    assert [c.id for c in chunks] == [f"d1#{i}" for i in range(len(chunks))]
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert counter([chunk.text])[0] <= 40 + 12  # a whole sentence may not split exactly
    assert any(b.start < a.end for a, b in zip(chunks, chunks[1:], strict=False))  # overlap
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_an_over_long_sentence_is_split() -> None:
    text = "word " * 1000
    doc = Document("long", text.strip())
    chunks = Chunker(64, 8, minilm_token_counter()).chunk(doc)
    assert len(chunks) >= 15
    assert all(doc.text[c.start : c.end] == c.text for c in chunks)
    assert all(minilm_token_counter()([c.text])[0] <= 64 for c in chunks)
