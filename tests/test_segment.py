from workflow.segment import MAX_WORDS, cap_length, split_sentences


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
