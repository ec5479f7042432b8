"""A benchmark translation model of real size, built locally with random weights.

Same architecture as Argos Translate's current packages: Transformer base (6+6 layers, d_model 512, 8 heads,
FFN 2048, pre-norm), a 32k SentencePiece vocabulary trained on the corpus (BPE 16k plus unused filler pieces),
int8. It translates nothing; it exists so speed is measured on a model of the right size and shape.

Random weights never stop decoding by themselves, so three residual dimensions are reserved (no sublayer
writes them): the decoder's position table puts the target position in one; one uniform cross-attention head
of the first decoder layer copies the mean source position (carried by the encoder's position table) into
another; and the ``</s>`` row of the output projection fires once the target position passes the source
length. Target length then tracks source length, like a real model's.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from workflow.packages import pack

D_MODEL, HEADS, FFN, LAYERS, VOCAB = 512, 8, 2048, 6, 32_000
BPE_VOCAB = 16_000
POS, SRC = 0, 1  # reserved residual dimensions: target/source position, mean source position
ALPHA = 0.05  # position value per token in the reserved dimension
EOS_GAIN = 4.0  # logit change of </s> per target token around the source length
MAX_POSITIONS = 1024
NAME = "translate-en_km-bench"


def build(corpus_texts: list[str], folder: Path, seed: int = 512) -> Path:
    """Write ``NAME.argosmodel`` into ``folder`` (cached: rebuilt only when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / f"{NAME}.argosmodel"
    if archive.exists():
        return archive
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / NAME
        root.mkdir()
        pieces = _sentencepiece(corpus_texts, root / "sentencepiece")
        # The encoder's final layer norm divides positions by its output scale: measure, then compensate.
        gain = 1.0
        for _ in range(2):
            spec = _spec(pieces, np.random.default_rng(seed), gain)
            _SpecConverter(spec).convert(str(root / "model"), quantization="int8", force=True)
            slope = _length_slope(root, corpus_texts)
            gain /= slope
        (root / "metadata.json").write_text(json.dumps({
            "package_version": "1.0-bench", "argos_version": "1.9", "from_code": "en", "from_name": "English",
            "to_code": "km", "to_name": "Khmer", "type": "translate", "links": [],
            "briefdesk": {"demo": True, "source": "Briefdesk benchmark model (random weights)",
                          "license": "CC0-1.0", "description": "Speed benchmarks only: output is noise."}}))
        return pack(root, archive, compress=False)


def _length_slope(root: Path, texts: list[str]) -> float:
    """Least-squares slope of target length over source length on a sample of corpus sentences."""
    import ctranslate2
    import sentencepiece as spm

    from workflow.segment import split_sentences

    processor = spm.SentencePieceProcessor(model_file=str(root / "sentencepiece.model"))
    sample = [s.text for text in texts[:8] for s in split_sentences(text)][:64]
    sources = [processor.encode(s, out_type=str) for s in sample]
    results = ctranslate2.Translator(str(root / "model"), intra_threads=2).translate_batch(
        sources, beam_size=1, max_batch_size=4096, batch_type="tokens")
    lengths = np.array([len(s) for s in sources], dtype=float)
    outputs = np.array([len(r.hypotheses[0]) for r in results], dtype=float)
    return float((lengths * outputs).sum() / (lengths * lengths).sum())


def _sentencepiece(texts: list[str], prefix: Path) -> list[str]:
    import sentencepiece as spm

    filler = [f"<unused{i:05d}>" for i in range(VOCAB - BPE_VOCAB)]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(line for text in texts for line in text.splitlines() if line.strip()),
        model_prefix=str(prefix), vocab_size=VOCAB, model_type="bpe", hard_vocab_limit=False,
        user_defined_symbols=filler, character_coverage=1.0, byte_fallback=True, unk_id=0, bos_id=1, eos_id=2,
        pad_id=-1, num_threads=2, minloglevel=2,
    )
    prefix.with_suffix(".vocab").unlink()
    prefix.with_suffix(".model").rename(prefix.parent / "sentencepiece.model")
    processor = spm.SentencePieceProcessor(model_file=str(prefix.parent / "sentencepiece.model"))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _positions(length: int, encoder: bool) -> np.ndarray:
    """Sinusoidal position table, with the position itself in the reserved dimensions.

    The encoder carries +position and -position, so the difference the decoder reads is free of the layer
    norm's mean; the decoder carries +position (its other reserved dimension receives the source's)."""
    position = np.arange(length)[:, None]
    rate = 1 / np.power(10_000, np.arange(0, D_MODEL, 2) / D_MODEL)
    table = np.zeros((length, D_MODEL), dtype=np.float32)
    table[:, 0::2] = np.sin(position * rate)
    table[:, 1::2] = np.cos(position * rate)
    table[:, POS] = ALPHA * np.arange(length)
    table[:, SRC] = -ALPHA * np.arange(length) if encoder else 0
    return table


def _spec(vocabulary: list[str], rng: np.random.Generator, src_gain: float):
    from ctranslate2.specs import transformer_spec

    spec = transformer_spec.TransformerSpec.from_config((LAYERS, LAYERS), HEADS, pre_norm=True)
    reserved = [POS, SRC]

    def linear(layer, rows: int, cols: int, scale: float | None = None, free_rows: bool = True) -> None:
        weight = rng.normal(0, scale or 1 / np.sqrt(cols), (rows, cols)).astype(np.float32)
        if not free_rows:  # writes into the residual stream: never into the reserved dimensions
            weight[reserved, :] = 0
        layer.weight = weight
        layer.bias = np.zeros(rows, dtype=np.float32)

    def norm(layer) -> None:
        layer.gamma = np.ones(D_MODEL, dtype=np.float32)
        layer.beta = np.zeros(D_MODEL, dtype=np.float32)

    embeddings = rng.normal(0, 1 / np.sqrt(D_MODEL), (VOCAB, D_MODEL)).astype(np.float32)
    embeddings[:, reserved] = 0
    for stack in (spec.encoder, spec.decoder):
        stack.position_encodings.encodings = _positions(MAX_POSITIONS, encoder=stack is spec.encoder)
        norm(stack.layer_norm)
        for layer in stack.layer:
            norm(layer.self_attention.layer_norm)
            linear(layer.self_attention.linear[0], 3 * D_MODEL, D_MODEL)
            linear(layer.self_attention.linear[1], D_MODEL, D_MODEL, free_rows=False)
            norm(layer.ffn.layer_norm)
            linear(layer.ffn.linear_0, FFN, D_MODEL)
            linear(layer.ffn.linear_1, D_MODEL, FFN, free_rows=False)
            if hasattr(layer, "attention"):
                norm(layer.attention.layer_norm)
                linear(layer.attention.linear[0], D_MODEL, D_MODEL)
                linear(layer.attention.linear[1], 2 * D_MODEL, D_MODEL)
                linear(layer.attention.linear[2], D_MODEL, D_MODEL, free_rows=False)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings

    # First decoder layer, head 0 of cross-attention: zero queries give uniform attention over the source; its
    # first value dimension reads the source position, and the output projection copies it to SRC.
    head = D_MODEL // HEADS
    cross = spec.decoder.layer[0].attention
    cross.linear[0].weight[:head, :] = 0
    values = cross.linear[1].weight[D_MODEL:]  # fused keys|values: the second half are values
    values[:head, :] = 0
    values[0, POS], values[0, SRC] = 0.5, -0.5
    cross.linear[2].weight[:, :head] = 0
    cross.linear[2].weight[SRC, 0] = 2 * src_gain  # mean position x 2 = source length

    # Output projection: random logits, plus </s> = gain * (target position - source length): both read
    # through the same final layer norm, so its mean cancels and its scale only sharpens the switch.
    projection = rng.normal(0, 1.5 / np.sqrt(D_MODEL), (VOCAB, D_MODEL)).astype(np.float32)
    projection[:, reserved] = 0
    projection[2, :] = 0
    projection[2, POS], projection[2, SRC] = EOS_GAIN / ALPHA, -EOS_GAIN / ALPHA
    spec.decoder.projection.weight = projection
    spec.decoder.projection.bias = np.zeros(VOCAB, dtype=np.float32)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.config.bos_token, spec.config.eos_token, spec.config.unk_token = "<s>", "</s>", "<unk>"
    return spec


class _SpecConverter:
    """CTranslate2's converter machinery (validation, quantization, saving) for a ready-made spec."""

    def __init__(self, spec):
        from ctranslate2.converters.converter import Converter

        class Ready(Converter):
            def _load(self):
                return spec

        self._converter = Ready()

    def convert(self, output_dir: str, **options) -> str:
        shutil.rmtree(output_dir, ignore_errors=True)
        return self._converter.convert(output_dir, **options)
