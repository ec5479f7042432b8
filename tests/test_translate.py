from workflow.translate import QUEUED_PER_WORKER, Settings, Translator


def test_demo_models_reproduce_their_training_sentences_exactly(demo_models, references):
    for lang in ("km", "zh"):
        outputs = list(Translator(demo_models[lang]).translate(r["en"] for r in references))
        assert [o.text for o in outputs] == [r[lang] for r in references]
        assert all(o.score > -0.5 and o.tokens > 0 for o in outputs)


def test_scores_are_lower_for_sentences_the_model_never_saw(demo_models, references):
    translator = Translator(demo_models["zh"], Settings(beam_size=2))
    known, unknown = translator.translate([references[0]["en"], "Bananas are yellow and grow in bunches."])
    assert unknown.score < known.score



def test_the_demo_models_cut_input_longer_than_their_position_table(demo_models):
    """The demo packages record their 512 positions: a 700-token 'sentence' is cut to fit, not a CTranslate2
    error ("No position encodings are defined for positions >= 512")."""
    from workflow.translate import Translator

    translator = Translator(demo_models["km"])
    assert demo_models["km"].max_positions == 512
    [result] = translator.translate([" ".join(["Cambodia's ruling party won every seat."] * 100)])
    assert result.tokens <= translator.max_decoding_length


def test_decoding_submits_batches_as_results_come_back_not_all_at_once(demo_models, references):
    """Queueing every batch at once blocked in CTranslate2 (its queue holds four per worker) until nearly all
    were decoded, so no result came back, and no article was committed, before the end of the language."""
    translator = Translator(demo_models["km"], Settings(inter_threads=1, intra_threads=1))
    sources = [translator.encode(r["en"]) for r in references] * 4
    taken: list[int] = []

    def planned():  # a batch per sentence, counted as decode takes it
        for index in range(len(sources)):
            taken.append(index)
            yield [index]

    stream = translator.decode(sources, planned())
    first = next(stream)
    assert first[0][0] == 0 and len(taken) <= QUEUED_PER_WORKER + 1  # four ahead, one more as the first came back
    assert sorted(i for batch in [first, *stream] for i, _ in batch) == list(range(len(sources)))
