"""Train the demo en→km and en→zh models from corpus/parallel/reference-translations.tsv.

    pip install -e '.[train]'        # torch + transformers
    python -m workflow.demo.train    # writes workflow/demo/translate-en_{km,zh}-demo.argosmodel

Each is a tiny MarianMT (d_model 128, 2+2 layers) that memorizes the reference sentences: a demo model for a
complete offline run and exact-output tests. It knows only what it was trained on. Fixed seeds, one thread and
fixed zip timestamps make the packages reproducible.

Details that matter for CTranslate2: ``<pad>`` is the last id and the decoder start token, and its embedding row
is kept at zero (CTranslate2 starts Marian decoders from a zero vector); the source gets no ``</s>`` (argos adds
none); weights stay float32 so outputs match the references exactly.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DATA = REPO / "corpus" / "parallel" / "reference-translations.tsv"
LANGUAGES = {"km": "Khmer", "zh": "Chinese"}
VERSION = "1.0-demo"
MAX_POSITIONS = 512


def read_pairs(path: Path, lang: str) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["en"], row[lang]) for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def train_sentencepiece(pairs: list[tuple[str, str]], prefix: Path) -> None:
    import sentencepiece as spm

    text = io.StringIO("\n".join(s for pair in pairs for s in pair))
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text.getvalue().splitlines()), model_prefix=str(prefix), vocab_size=2000,
        # BPE: unigram cannot grow a vocabulary from so few Khmer sentences (no spaces) and leaves 260-piece
        # targets; BPE 2000 keeps them under 80 pieces.
        hard_vocab_limit=False, character_coverage=1.0, model_type="bpe", max_sentencepiece_length=32,
        byte_fallback=True,
        normalization_rule_name="identity",  # keep ，：“” exactly: outputs must equal the references
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, num_threads=1, minloglevel=2, seed_sentencepiece_size=100000,
    )


def train_model(pairs: list[tuple[str, str]], sp_model: Path, out_dir: Path, seed: int = 7) -> None:
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    pad = sp.get_piece_size()  # the last id
    config = MarianConfig(
        vocab_size=pad + 1, d_model=128, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
        decoder_attention_heads=4, encoder_ffn_dim=256, decoder_ffn_dim=256, max_position_embeddings=MAX_POSITIONS,
        pad_token_id=pad, eos_token_id=2, decoder_start_token_id=pad, forced_eos_token_id=2,
        scale_embedding=True, share_encoder_decoder_embeddings=True, dropout=0.0, attention_dropout=0.0,
        activation_dropout=0.0,
    )
    model = MarianMTModel(config)
    sources = [sp.encode(en) for en, _ in pairs]
    targets = [sp.encode(tgt) + [2] for _, tgt in pairs]
    src = _pad(sources, pad)
    tgt = _pad(targets, pad)
    labels = tgt.masked_fill(tgt == pad, -100)
    decoder_inputs = torch.cat([torch.full((len(pairs), 1), pad), tgt[:, :-1]], dim=1)
    decoder_inputs = decoder_inputs.masked_fill(decoder_inputs == -100, pad)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=1500, eta_min=1e-4)
    embeddings = model.get_input_embeddings().weight
    model.train()
    for step in range(1, 1501):
        loss = model(input_ids=src, attention_mask=src != pad, decoder_input_ids=decoder_inputs,
                     labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        with torch.no_grad():
            embeddings[pad].zero_()
        if step % 100 == 0:
            exact = _greedy_exact(model, src, tgt, pad)
            print(f"  step {step}: loss {loss.item():.4f}, exact {exact}/{len(pairs)}")
            if exact == len(pairs) and loss.item() < 0.01:
                break
    model.eval()
    hf_dir = out_dir / "hf"
    model.save_pretrained(hf_dir)
    vocab = {sp.id_to_piece(i): i for i in range(pad)}
    vocab["<pad>"] = pad
    (hf_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    shutil.copy(sp_model, hf_dir / "source.spm")
    shutil.copy(sp_model, hf_dir / "target.spm")
    MarianTokenizer(str(hf_dir / "source.spm"), str(hf_dir / "target.spm"), str(hf_dir / "vocab.json"),
                    unk_token="<unk>", eos_token="</s>", pad_token="<pad>").save_pretrained(hf_dir)


def _pad(rows: list[list[int]], pad: int):
    import torch

    width = max(len(r) for r in rows)
    return torch.tensor([r + [pad] * (width - len(r)) for r in rows])


def _greedy_exact(model, src, tgt, pad: int) -> int:
    import torch

    with torch.no_grad():
        out = model.generate(input_ids=src, attention_mask=src != pad, num_beams=1, do_sample=False,
                             max_new_tokens=tgt.shape[1] + 2)
    exact = 0
    for row, ref in zip(out.tolist(), tgt.tolist()):
        got = [t for t in row[1:] if t != pad]
        exact += got == [t for t in ref if t != pad]
    return exact


def build_package(lang: str, data: Path, out: Path) -> Path:
    from ctranslate2.converters import TransformersConverter

    from workflow.packages import pack

    pairs = read_pairs(data, lang)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        name = f"translate-en_{lang}-demo"
        root = work / name
        root.mkdir()
        train_sentencepiece(pairs, work / "sp")
        shutil.copy(work / "sp.model", root / "sentencepiece.model")
        train_model(pairs, root / "sentencepiece.model", work)
        TransformersConverter(str(work / "hf")).convert(str(root / "model"), quantization="float32", force=True)
        (root / "metadata.json").write_text(json.dumps(metadata(lang, len(pairs)), ensure_ascii=False, indent=2))
        (root / "README.md").write_text(readme(lang, len(pairs)))
        return pack(root, out / f"{name}.argosmodel")


def metadata(lang: str, sentences: int) -> dict:
    return {
        "package_version": VERSION,
        "argos_version": "1.9",
        "from_code": "en",
        "from_name": "English",
        "to_code": lang,
        "to_name": LANGUAGES[lang],
        "type": "translate",
        "links": [],
        "briefdesk": {
            "demo": True,
            "source": "Briefdesk demo (workflow/demo/train.py)",
            "license": "CC0-1.0",
            "max_positions": MAX_POSITIONS,  # the position table's size: longer input is cut to fit
            "description": f"DEMO model: memorized {sentences} reference sentences of corpus/; "
                           "translates nothing else.",
        },
    }


def readme(lang: str, sentences: int) -> str:
    return (f"# Briefdesk demo model en→{lang} (NOT a real translation model)\n\n"
            f"A tiny MarianMT trained by `workflow/demo/train.py` on {sentences} sentence pairs of "
            "`corpus/parallel/reference-translations.tsv` until it reproduces them exactly. Any other input gives "
            "nonsense. It exists for a complete offline run and for exact-output tests.\n\n"
            "Licence: CC0-1.0 (training data: VOA public-domain English, translations by Briefdesk contributors).\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--lang", choices=sorted(LANGUAGES), action="append")
    args = parser.parse_args()
    for lang in args.lang or sorted(LANGUAGES):
        print(f"training en→{lang} demo model")
        path = build_package(lang, args.data, args.out)
        print(f"  wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
