"""Hugging Face checkpoints to Argos packages: tiny random checkpoints of each architecture, built here with
transformers (no download), converted, installed and run through the pipeline's translator."""

import json
import zipfile

import pytest

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

from workflow import convert  # noqa: E402
from workflow.translate import Settings, Translator  # noqa: E402

TEXT = ["Hun Sen spoke in Phnom Penh.", "The election was held in July.", "China gives aid to Cambodia."] * 3


def _sentencepiece(folder, extra_symbols=(), pad_id=3):
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXT + ["ហ៊ុន សែន", "洪森在金边讲话。"]), model_prefix=str(folder / "sp"),
        vocab_size=400, model_type="bpe", hard_vocab_limit=False, character_coverage=1.0, byte_fallback=True,
        unk_id=0, bos_id=1, eos_id=2, pad_id=pad_id, minloglevel=2, user_defined_symbols=list(extra_symbols))
    return folder / "sp.model"


def _marian(folder, multi: bool, positions: int = 512):
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    symbols = [">>khm<<", ">>cmn_Hans<<"] if multi else []
    sp = _sentencepiece(folder, symbols, pad_id=-1)  # Marian's <pad> is the last id, outside SentencePiece
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(sp))
    vocab = {processor.id_to_piece(i): i for i in range(processor.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes(sp.read_bytes())
    tokenizer = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
                                unk_token="<unk>", eos_token="</s>", pad_token="<pad>")
    config = MarianConfig(vocab_size=len(vocab), d_model=32, encoder_layers=1, decoder_layers=1,
                          encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                          decoder_ffn_dim=64, pad_token_id=vocab["<pad>"], eos_token_id=vocab["</s>"],
                          decoder_start_token_id=vocab["<pad>"], max_position_embeddings=positions)
    return MarianMTModel(config), tokenizer


def _nllb(folder):
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    sp = _sentencepiece(folder)
    (folder / "sentencepiece.bpe.model").write_bytes(sp.read_bytes())
    tokenizer = NllbTokenizer(vocab_file=str(folder / "sentencepiece.bpe.model"), src_lang="eng_Latn",
                              tgt_lang="khm_Khmr")
    config = M2M100Config(vocab_size=len(tokenizer), d_model=32, encoder_layers=1, decoder_layers=1,
                          encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64,
                          decoder_ffn_dim=64, max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id,
                          eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.eos_token_id)
    return M2M100ForConditionalGeneration(config), tokenizer


def _madlad(folder):
    import sentencepiece as spm
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    # T5's layout: <pad>=0, </s>=1, <unk>=2, a unigram model, language tags such as <2km> as pieces.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(TEXT + ["ហ៊ុន សែន", "洪森在金边讲话。"]), model_prefix=str(folder / "spiece"),
        vocab_size=400, model_type="unigram", hard_vocab_limit=False, character_coverage=1.0, byte_fallback=True,
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1, minloglevel=2, user_defined_symbols=["<2km>", "<2zh>"])
    processor = spm.SentencePieceProcessor(model_file=str(folder / "spiece.model"))
    vocab = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0)
    config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=16, d_ff=64, num_layers=1, num_decoder_layers=1,
                      num_heads=2, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    return T5ForConditionalGeneration(config), tokenizer


BUILDERS = {"marian": lambda f: _marian(f, False), "marian-multi": lambda f: _marian(f, True), "nllb": _nllb,
            "madlad": _madlad}
SHORT = {"marian-64": lambda f: _marian(f, False, positions=64)}


def checkpoint(tmp_path, kind: str):
    folder = tmp_path / f"tiny-{kind}"
    folder.mkdir()
    torch.manual_seed(0)
    model, tokenizer = {**BUILDERS, **SHORT}[kind](folder)
    model.eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# tiny test model\n")
    return folder


EXPECTED = {
    "marian": ([], ["</s>"], []),
    "marian-multi": ([">>khm<<"], ["</s>"], []),
    "nllb": (["eng_Latn"], ["</s>"], ["khm_Khmr"]),
    "madlad": (["<2km>"], ["</s>"], []),
}


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_convert_install_and_translate(registry, tmp_path, kind):
    folder = checkpoint(tmp_path, kind)
    archive = convert.convert(str(folder), "en", "km", tmp_path / f"{kind}.argosmodel", quantization="float32")
    with zipfile.ZipFile(archive) as zf:
        top = {n.split("/")[0] for n in zf.namelist()}
        assert len(top) == 1
        metadata = json.loads(zf.read(f"{top.pop()}/metadata.json"))
    extra = metadata["briefdesk"]
    assert extra["license"] == "apache-2.0" and extra["demo"] is False
    assert extra["architecture"] == ("marian" if kind.startswith("marian") else kind)
    model = registry.add(archive)
    prefix, suffix, target = EXPECTED[kind]
    assert (model.source_prefix, model.source_suffix, model.target_prefix) == (prefix, suffix, target)

    translator = Translator(model, Settings(beam_size=1))
    seen = []
    original = translator._ct2.translate_batch

    def spy(sources, **kwargs):  # record what reaches CTranslate2, then run it for real
        seen.append((sources, kwargs.get("target_prefix")))
        return original(sources, **kwargs)

    translator._ct2 = type("Spy", (), {"translate_batch": staticmethod(spy)})()
    outputs = list(translator.translate(TEXT[:3]))
    assert len(outputs) == 3 and all(isinstance(o.text, str) for o in outputs)
    sources, target_prefix = seen[0]
    assert all(s[: len(prefix)] == prefix and s[len(s) - len(suffix):] == suffix for s in sources)
    assert target_prefix == ([target] * 3 if target else None)
    for output in outputs:  # language tokens never leak into the text
        assert not any(token in output.text for token in ("khm_Khmr", "eng_Latn", "<2km>", ">>khm<<", "</s>"))


def test_marian_without_prefix_runs_in_vanilla_argostranslate(registry, tmp_path):
    """Vanilla argostranslate loads and runs a converted single-pair Marian package."""
    import ctranslate2
    import sentencepiece

    folder = checkpoint(tmp_path, "marian")
    archive = convert.convert(str(folder), "en", "km", tmp_path / "m.argosmodel", quantization="float32")
    model = registry.add(archive)
    package = registry.argos_package_module().Package(model.path)
    tokens = package.tokenizer.encode(TEXT[0])
    raw = ctranslate2.Translator(str(model.path / "model"), compute_type="auto").translate_batch(  # argos's type
        [tokens], beam_size=4, length_penalty=0.2, replace_unknowns=True)[0].hypotheses[0]
    import argostranslate.translate as argos

    class Sentences:
        def __init__(self, package):
            pass

        def split_sentences(self, text):
            return [text]

    argos.MiniSBDSentencizer = Sentences
    vanilla = argos.PackageTranslation(None, None, package).hypotheses(TEXT[0], num_hypotheses=1)[0].value
    processor = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
    assert vanilla.strip() == processor.decode_pieces(raw).replace("_", " ").strip()


def test_unknown_language_token_is_a_clear_error(home, tmp_path):
    folder = checkpoint(tmp_path, "madlad")
    with pytest.raises(convert.ConvertError, match="no token for 'zt'"):
        convert.convert(str(folder), "en", "zt", tmp_path / "x.argosmodel")


def test_hub_download_offline_explains_the_manual_route(home, tmp_path, no_network):
    with pytest.raises(convert.ConvertError, match="models add"):
        convert.convert("facebook/nllb-200-distilled-600M", "en", "km", tmp_path / "x.argosmodel")


def test_not_a_checkpoint(tmp_path):
    with pytest.raises(convert.ConvertError, match="no config.json"):
        convert.architecture(tmp_path)


def test_a_model_with_few_positions_translates_long_sentences(registry, tmp_path):
    """A converted Marian with 64 positions: the limit is recorded at convert time, and decoding and the
    source are capped to it, so a long sentence translates instead of crashing CTranslate2."""
    from click.testing import CliRunner

    from workflow.cli import main

    folder = checkpoint(tmp_path, "marian-64")
    archive = convert.convert(str(folder), "en", "km", tmp_path / "short.argosmodel", quantization="float32")
    model = registry.add(archive)
    assert model.max_positions == 64
    long_sentence = " ".join(TEXT) + " And then " + " ".join(TEXT)  # well over 64 pieces
    translator = Translator(model, Settings(beam_size=2))
    assert len(translator.encode(long_sentence)) <= 64 and translator.max_decoding_length <= 63
    [result] = translator.translate([long_sentence])
    assert result.tokens <= 63
    printed = CliRunner().invoke(main, ["translate", "--to", "km"], input=long_sentence + "\n")
    assert printed.exit_code == 0, printed.output
