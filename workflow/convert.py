"""Build Argos packages from Hugging Face translation checkpoints (Marian/OPUS-MT, NLLB-200, M2M-100, MADLAD-400).

Argos's index has no Khmer model; NLLB-200 and MADLAD-400 translate English into Khmer well. The checkpoint is
converted with CTranslate2's ``TransformersConverter``; its SentencePiece model and the tokens the model needs
around each sentence (source language token, ``</s>``, target language prefix) are recorded under the
``briefdesk`` key of ``metadata.json`` — vanilla argostranslate ignores them, Briefdesk's translator adds them.

Needs the ``convert`` extra (``pip install 'briefdesk[convert]'``: transformers, with torch).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from workflow import languages
from workflow.errors import BriefdeskError
from workflow.models import Model, Registry


@dataclass(frozen=True)
class Recipe:
    """A known checkpoint: where it lives, and what a newsroom must know before using it."""

    hub_id: str
    license: str
    size: str
    note: str


RECIPES = {
    "km": {
        "nllb-600m": Recipe("facebook/nllb-200-distilled-600M", "CC-BY-NC-4.0", "600M parameters, 2.5 GB download, "
                            "about 620 MB as int8", "NLLB-200 is licensed for NON-COMMERCIAL use only."),
        "madlad-3b": Recipe("google/madlad400-3b-mt", "Apache-2.0", "3B parameters, 11.8 GB download, about 3 GB "
                            "as int8", "MADLAD-400 is Apache-2.0 but large: slow on a laptop CPU."),
    },
    "zh": {
        "opus-mt": Recipe("Helsinki-NLP/opus-mt-en-zh", "CC-BY-4.0", "77M parameters, 300 MB download, about "
                          "80 MB as int8", "OPUS-MT en-zh (Marian)."),
        "nllb-600m": Recipe("facebook/nllb-200-distilled-600M", "CC-BY-NC-4.0", "600M parameters, 2.5 GB "
                            "download, about 620 MB as int8", "NLLB-200 is licensed for NON-COMMERCIAL use only."),
    },
}


class ConvertError(BriefdeskError):
    pass


RECIPES_FIRST = ("km",)
"""Languages installed from a recipe by default: the Argos index has no Khmer model."""


def recipe(lang: str, name: str | None = None) -> Recipe:
    """The named recipe for ``lang`` (its first one by default), or a ConvertError listing the choices."""
    known = RECIPES.get(lang, {})
    if name is None and known:
        name = next(iter(known))
    if name not in known:
        raise ConvertError(f"no recipe {name!r} for {lang}; choose one of {', '.join(known) or 'none'}")
    return known[name]


def install(chosen: Recipe, lang: str, registry: Registry) -> Model:
    """Download ``chosen``'s checkpoint (needs the internet), convert it and install it into ``registry``."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = convert(chosen.hub_id, "en", lang, Path(tmp) / "model.argosmodel", license=chosen.license)
        return registry.add(archive)


def architecture(folder: Path) -> str:
    """``marian``, ``nllb``, ``m2m100`` or ``madlad`` (T5), from the checkpoint's own config."""
    config_path = folder / "config.json"
    if not config_path.exists():
        raise ConvertError(f"{folder}: no config.json, not a Hugging Face checkpoint folder")
    model_type = json.loads(config_path.read_text()).get("model_type")
    tokenizer_config = folder / "tokenizer_config.json"
    tokenizer_class = json.loads(tokenizer_config.read_text()).get("tokenizer_class", "") \
        if tokenizer_config.exists() else ""
    if model_type == "marian":
        return "marian"
    if model_type == "m2m_100":
        return "nllb" if tokenizer_class.startswith("Nllb") else "m2m100"
    if model_type == "t5":
        return "madlad"
    raise ConvertError(f"{folder}: unsupported architecture {model_type!r}; Briefdesk converts Marian/OPUS-MT, "
                       "NLLB-200, M2M-100 and T5 (MADLAD-400) checkpoints")


def resolve(source: str) -> Path:
    """A local checkpoint folder, or a hub id downloaded (online only) into the Hugging Face cache."""
    path = Path(source)
    if path.is_dir():
        return path
    if path.exists() or source.startswith((".", "/")):
        raise ConvertError(f"{source}: not a checkpoint folder")
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(source, allow_patterns=["*.json", "*.model", "*.spm", "*.safetensors",
                                                              "*.bin", "*.txt", "README.md"]))
    except Exception as error:  # noqa: BLE001 - offline errors come in many types
        raise ConvertError(
            f"cannot download {source!r} ({type(error).__name__}). Offline, download the checkpoint folder on a "
            "connected machine (huggingface-cli download ID --local-dir DIR), convert it there or here with "
            "`briefdesk models convert DIR --from en --to LANG -o FILE.argosmodel`, then `briefdesk models add "
            "FILE.argosmodel`.") from error


def convert(source: str, from_code: str, to_code: str, output: Path, *, quantization: str = "int8",
            license: str | None = None) -> Path:
    """Convert a checkpoint into an ``.argosmodel`` at ``output``; returns it."""
    from ctranslate2.converters import TransformersConverter

    from workflow.packages import pack

    folder = resolve(source)
    kind = architecture(folder)
    output = Path(output)
    with tempfile.TemporaryDirectory() as tmp:
        name = f"translate-{from_code}_{to_code}-{re.sub(r'[^A-Za-z0-9]+', '-', folder.name).strip('-')[:40]}"
        root = Path(tmp) / name
        root.mkdir()
        try:
            TransformersConverter(str(folder)).convert(str(root / "model"), quantization=quantization, force=True)
        except Exception as error:  # noqa: BLE001 - converter errors are many and specific
            raise ConvertError(f"{folder}: CTranslate2 could not convert it: {error}") from error
        source_spm, target_spm = _sentencepiece_files(folder, kind)
        shutil.copy(source_spm, root / "sentencepiece.model")
        if target_spm and _sha(target_spm) != _sha(source_spm):
            shutil.copy(target_spm, root / "target.spm")
        vocabulary = _vocabulary(root / "model")
        extra = _tokens(kind, from_code, to_code, vocabulary)
        positions = _max_positions(folder)
        if positions:
            extra["max_positions"] = positions  # learned/sinusoidal tables end here: decoding must stop before
        metadata = {
            "package_version": "1.0", "argos_version": "1.9", "from_code": from_code, "to_code": to_code,
            "from_name": from_code, "to_name": to_code, "type": "translate", "links": [],
            "briefdesk": {**extra, "architecture": kind, "source": f"converted from {folder.name}",
                          "license": license or _license(folder), "quantization": quantization, "demo": False},
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2))
        return pack(root, output)


def _sentencepiece_files(folder: Path, kind: str) -> tuple[Path, Path | None]:
    candidates = {"marian": ["source.spm"], "nllb": ["sentencepiece.bpe.model"],
                  "m2m100": ["sentencepiece.bpe.model"], "madlad": ["spiece.model", "sentencepiece.model"]}[kind]
    for name in candidates:
        if (folder / name).exists():
            target = folder / "target.spm" if kind == "marian" and (folder / "target.spm").exists() else None
            return folder / name, target
    raise ConvertError(f"{folder}: no SentencePiece model ({' or '.join(candidates)})")


def _vocabulary(model_dir: Path) -> set[str]:
    for name in ("shared_vocabulary.json", "source_vocabulary.json"):
        if (model_dir / name).exists():
            return set(json.loads((model_dir / name).read_text()))
    return set()


def _tokens(kind: str, from_code: str, to_code: str, vocabulary: set[str]) -> dict:
    """What the translator must put around each sentence for this architecture and language pair."""
    def need(code: str) -> str:
        language = languages.find(code)
        token = language.model_tokens.get(kind) if language else None
        if token is None or (vocabulary and token not in vocabulary):
            raise ConvertError(f"this {kind} model has no token for {code!r} (looked for {token!r})")
        return token

    if kind == "nllb" or kind == "m2m100":
        return {"source_prefix": [need(from_code)], "source_suffix": ["</s>"], "target_prefix": need(to_code)}
    if kind == "madlad":
        return {"source_prefix": [need(to_code)], "source_suffix": ["</s>"]}
    # Marian: multi-target OPUS-MT models need a >>xxx<< token first; single-pair ones need nothing.
    multi = any(t.startswith(">>") and t.endswith("<<") for t in vocabulary)
    return {"source_prefix": [need(to_code)] if multi else [], "source_suffix": ["</s>"]}


def _max_positions(folder: Path) -> int | None:
    """The positions the checkpoint's position table holds (None: relative positions, as T5's, have no end)."""
    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        return None
    value = config.get("max_position_embeddings")
    return value if isinstance(value, int) and value > 0 and config.get("model_type") != "t5" else None


def _license(folder: Path) -> str:
    readme = folder / "README.md"
    if readme.exists():
        found = re.search(r"^license:\s*(\S+)", readme.read_text(errors="replace"), re.M)
        if found:
            return found.group(1)
    return "see the model card"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
