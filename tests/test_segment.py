import pytest

from workflow.segment import MAX_CHARS, MAX_PARAGRAPH_CHARS, MAX_WORDS, cap_length, split_sentences


def test_paragraphs_and_sentences_in_order():
    sentences = split_sentences("Mr. Hun Sen spoke. He left at 5 p.m. today.\n\nA new paragraph.")
    assert [(s.paragraph, s.text) for s in sentences] == [
        (0, "Mr. Hun Sen spoke."), (0, "He left at 5 p.m. today."), (1, "A new paragraph.")]


def test_a_2000_word_sentence_is_cut_into_bounded_pieces_without_losing_words():
    sentence = " ".join(f"word{i}," if i % 37 == 0 else f"word{i}" for i in range(2000)) + "."
    pieces = cap_length(sentence)
    assert len(pieces) > 2000 // MAX_WORDS
    assert all(len(p.split()) <= MAX_WORDS and len(p) <= 600 for p in pieces)
    assert " ".join(pieces).split() == sentence.split()


def test_a_long_string_without_spaces_is_cut_by_characters():
    pieces = cap_length("x" * 5000)
    assert all(len(p) <= 600 for p in pieces) and "".join(pieces) == "x" * 5000


def test_a_very_long_paragraph_reaches_pysbd_in_stretches_cut_at_sentence_ends():
    """pysbd's time grows with the square of its input, so a paragraph longer than MAX_PARAGRAPH_CHARS is handed
    over in stretches: 600 VOA sentences in one 75 KB paragraph lose nothing, each stretch ends a sentence, and
    no real paragraph is long enough to be cut (the corpus splits as it did)."""
    import json
    import re

    from tests.conftest import CORPUS
    from workflow import segment

    texts = [json.loads(line)["text"] for line in (CORPUS / "voa-cambodia-2018.en.jsonl").read_text().splitlines()]
    assert max(len(" ".join(p.split())) for text in texts for p in re.split(r"\n\s*\n", text)) < MAX_PARAGRAPH_CHARS
    joined = " ".join(s.text for text in texts for s in split_sentences(text))[:75_000]
    stretches = segment._stretches(joined)
    assert len(stretches) > 15 and all(len(stretch) <= MAX_PARAGRAPH_CHARS for stretch in stretches)
    assert " ".join(stretches) == joined
    assert all(re.search(r"[a-z0-9%][.!?][”\"’]?$", stretch) for stretch in stretches[:-1])
    sentences = [s.text for s in split_sentences(joined)]
    assert len(sentences) > 500 and "".join("".join(sentences).split()) == "".join(joined.split())  # every letter


def test_sixty_thousand_words_without_punctuation_come_back_whole_in_bounded_pieces():
    words = [f"word{i % 5000}" for i in range(60_000)]
    pieces = [s.text for s in split_sentences(" ".join(words))]
    assert all(len(p.split()) <= MAX_WORDS and len(p) <= MAX_CHARS for p in pieces)
    assert " ".join(pieces).split() == words


def test_a_text_with_more_sentences_than_allowed_is_refused_once_it_has_that_many():
    text = " ".join(f"Sentence number {i} is here." for i in range(50))
    assert len(split_sentences(text, max_sentences=50)) == 50
    with pytest.raises(ValueError, match="more than 49 sentences: too long for one story"):
        split_sentences(text, max_sentences=49)
