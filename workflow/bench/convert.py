"""CPU speed of a real-size converted checkpoint: an NLLB-200-distilled-600M-shaped model with random weights,
converted by ``workflow.convert`` (no real checkpoint can be downloaded here). Needs the convert extra."""

from __future__ import annotations

import json
import time
from pathlib import Path

from workflow.bench import BEST, cpu, peak_rss_mb, stories
from workflow.config import Config


def run(config: Config, sentences: int = 64, tokens: int = 40) -> dict:
    """CPU speed of a converted NLLB-200-distilled-600M-shaped checkpoint (random weights, real size: 12+12
    layers, d_model 1024, 256k-row output projection), built with transformers and converted by
    ``workflow.convert``; decoding is fixed at ``tokens`` target tokens a sentence. Needs the convert extra."""
    import tempfile
    import zipfile

    import ctranslate2
    import sentencepiece as spm
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    from workflow import convert
    from workflow.segment import split_sentences

    texts = [story["text"] for story in stories()]
    with tempfile.TemporaryDirectory(dir=config.home) as tmp:
        checkpoint = Path(tmp) / "nllb-600m-shaped"
        checkpoint.mkdir()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(line for text in texts for line in text.splitlines() if line.strip()),
            model_prefix=str(checkpoint / "sentencepiece.bpe"), vocab_size=8000, model_type="bpe",
            character_coverage=1.0, byte_fallback=True, unk_id=3, bos_id=0, eos_id=2, pad_id=1, minloglevel=2)
        tokenizer = NllbTokenizer(vocab_file=str(checkpoint / "sentencepiece.bpe.model"), src_lang="eng_Latn",
                                  tgt_lang="khm_Khmr")
        config = M2M100Config(vocab_size=256_206, d_model=1024, encoder_layers=12, decoder_layers=12,
                              encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=4096,
                              decoder_ffn_dim=4096, max_position_embeddings=1024, scale_embedding=True,
                              pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                              decoder_start_token_id=tokenizer.eos_token_id)
        torch.manual_seed(0)
        M2M100ForConditionalGeneration(config).save_pretrained(checkpoint)
        tokenizer.save_pretrained(checkpoint)
        archive = convert.convert(str(checkpoint), "en", "km", Path(tmp) / "nllb.argosmodel", quantization="int8")
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(tmp)
        root = Path(tmp) / zipfile.ZipFile(archive).namelist()[0].split("/")[0]
        extra = json.loads((root / "metadata.json").read_text())["briefdesk"]
        processor = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
        sample = [s.text for text in texts[12:20] for s in split_sentences(text)][:sentences]
        sources = [extra["source_prefix"] + processor.encode(s, out_type=str) + extra["source_suffix"] for s in sample]
        translator = ctranslate2.Translator(str(root / "model"), compute_type="int8", **{
            k: v for k, v in BEST.items() if k.endswith("threads")})
        result = {"model": "NLLB-200-distilled-600M shape, random weights, int8",
                  "model_mb": round((root / "model" / "model.bin").stat().st_size / 1e6), "sentences": len(sources)}
        for beam in (4, 1):
            start = time.perf_counter()
            outputs = translator.translate_batch(
                sources, target_prefix=[[extra["target_prefix"]]] * len(sources), beam_size=beam,
                min_decoding_length=tokens, max_decoding_length=tokens, max_batch_size=BEST["max_batch_tokens"],
                batch_type="tokens")
            seconds = time.perf_counter() - start
            produced = sum(len(o.hypotheses[0]) for o in outputs)
            result[f"beam{beam}_tokens_per_second"] = round(produced / seconds)
    result["peak_rss_mb"] = round(peak_rss_mb())
    result["cpu"] = cpu()
    return result
