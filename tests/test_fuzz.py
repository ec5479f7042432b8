"""1,000+ generated malformed inputs through ingest and the pipeline: nothing crashes, every bad item is named
with a reason, and the good articles in the same batch all complete. Fixed seed."""

import json
import random
import shutil

import pytest
from sqlalchemy import func, select

from workflow import corpus, pipeline
from workflow.corpus import sample_dir
from workflow.store import Article, Brief, Sentence, Translation

CORPUS = sample_dir()

SEED = 1127
COUNT = 1000
GOOD = ["hor-namhong-china-visit"]


def _text(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def generate(folder, rng: random.Random) -> dict[str, str]:
    """Write COUNT malformed files; returns file name -> kind."""
    zero_width_bidi = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    emoji = "😀🇰🇭🇨🇳🔥🧧👍🏽‍♀️"
    kinds = {}
    makers = {
        "random-bytes.txt": lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 3000))),
        "nul-bytes.md": lambda: b"Title\n\n" + b"\x00" * rng.randint(1, 50) + b"text",
        "mixed-encoding.txt": lambda: b"Phnom Penh " + "café".encode("latin-1") + "សួស្តី".encode(),
        "utf16.txt": lambda: "Hun Sen spoke.".encode("utf-16"),
        "empty.txt": lambda: b"",
        "whitespace.txt": lambda: rng.choice([b" ", b"\n\n\n", b"\t \r\n"]) * rng.randint(1, 100),
        "invisible-only.txt": lambda: _text(rng, zero_width_bidi, rng.randint(1, 200)).encode(),
        "punctuation-only.txt": lambda: _text(rng, ".,;:!?-—()[]{}\"'0123456789 ", rng.randint(1, 300)).encode(),
        "bidi-and-zero-width.txt": lambda: ("Officials" + _text(rng, zero_width_bidi, 5) + " said the vote was "
                                            "held on Sunday." + _text(rng, zero_width_bidi, 3)).encode(),
        "emoji.txt": lambda: f"The crowd cheered {_text(rng, emoji, 6)} as results came in.".encode(),
        "control-chars.txt": lambda: ("Results" + _text(rng, "\x01\x02\x07\x1b\x7f", 4) + " were late.").encode(),
        "nested.html": lambda: ("<div>" * rng.randint(500, 5000) + "deep" + "</div>" * 10).encode(),
        "script-only.html": lambda: b"<html><body><script>alert(1)</script><style>p{}</style></body></html>",
        "broken.html": lambda: b"<html><body><p>Unclosed <b>tags <i>everywhere" + b"<" * rng.randint(1, 50),
        "empty-object.json": lambda: b"{}",
        "empty-list.json": lambda: b"[]",
        "wrong-types.json": lambda: json.dumps(rng.choice([
            {"title": 5, "text": "ok text here"}, {"title": "T", "text": ["a", "b"]}, {"text": None},
            {"text": {"nested": True}}, {"id": [], "text": "fine"}, 42, "string", None, True])).encode(),
        "truncated.json": lambda: json.dumps({"title": "T", "text": "Words " * 50})[: rng.randint(1, 60)].encode(),
        "lines.jsonl": lambda: "\n".join(rng.choice(["{", "[]", "null", '{"text": 1}', '"x"', "{}"])
                                         for _ in range(rng.randint(1, 5))).encode(),
        "markup-only.md": lambda: b"{:.pullquote}\n\n##### Sources #####\n\nA reference",
        "no-letters.txt": lambda: _text(rng, "0123456789 .,\n", rng.randint(1, 400)).encode(),
    }
    names = list(makers)
    for index in range(COUNT):
        kind = names[index % len(names)]
        name = f"{index:04d}-{kind}"
        (folder / name).write_bytes(makers[kind]())
        kinds[name] = kind
    # A few huge ones (one 5 MB line, one 3 MB article), costly to write, so only these.
    (folder / "huge-line.txt").write_bytes(b"x" * 5_000_000)
    (folder / "huge-article.txt").write_bytes(b"The vote was held. " * 160_000)
    kinds["huge-line.txt"] = kinds["huge-article.txt"] = "huge"
    return kinds


@pytest.mark.slow
def test_fuzzed_batch_never_crashes_and_good_items_complete(demo_models, registry, store, tmp_path):
    folder = tmp_path / "fuzz"
    folder.mkdir()
    kinds = generate(folder, random.Random(SEED))
    shutil.copy(CORPUS / "hor-namhong-china-visit.en.txt", folder / "zzzz-good.txt")

    # Ingest alone: every item is a document or a named error.
    items = list(corpus.read([folder]))
    assert len(items) >= COUNT + 2
    rejected = [i for i in items if isinstance(i, corpus.Rejected)]
    assert all(i.reason and i.source.startswith(str(folder)) for i in rejected)

    report = pipeline.run([folder], store, registry, pipeline.Options(targets=["zh"]))
    errors = {e["item"].split("/")[-1].split(":")[0].split("#")[0] for e in report.errors}
    stored = {a.external_id for a in report.articles}
    for name, kind in kinds.items():
        stem = name.split(".")[0]
        assert name in errors or stem in stored or any(s.startswith(stem) for s in stored), (name, kind)
    for kind in ("random-bytes", "empty", "utf16", "empty-object", "empty-list", "truncated",
                 "markup-only", "no-letters", "invisible-only", "huge"):
        assert any(k.startswith(kind) and n in errors for n, k in kinds.items()), kind
    assert "zzzz-good" in stored
    with store.read() as session:
        good = session.scalar(select(Article).where(Article.external_id == "zzzz-good"))
        assert session.scalar(select(func.count(Translation.id)).join(Sentence, Sentence.id == Translation.sentence_id)
                              .where(Sentence.article_id == good.id, Translation.lang == "zh")) == 19  # + headline
        assert session.scalar(select(Brief.text).where(Brief.article_id == good.id, Brief.lang == "zh"))
        # Invisible and bidi controls never reach the store.
        for text in session.scalars(select(Article.text)):
            assert not any(ch in text for ch in "\u200b\u202e\u2066\ufeff\x07")
    print(f"\nfuzz: {len(kinds)} malformed inputs, {len(report.errors)} rejected with a reason, "
          f"{len(report.articles)} stored (incl. the good article)")
