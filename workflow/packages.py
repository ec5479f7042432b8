"""The ``.argosmodel`` file: a zip holding ONE top-level folder with ``metadata.json``, ``model/`` (CTranslate2)
and ``sentencepiece.model``. Reading one safely, proving it translates, and writing one.

A package comes from outside, so nothing in it is trusted: entry names are checked for traversal, the
language codes it names (used in the install path) must be known languages, its size and file count are capped
while it is unpacked (not only as its header declares), and before it may replace an installed model it must
load and translate a sentence.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

from workflow import archives, languages
from workflow.errors import BriefdeskError

LIMITS = archives.MODEL_PACKAGE  # files, unpacked size and compression ratio, with every other archive's
_CODE = re.compile(r"^[a-z]{2,3}$")


class ModelError(BriefdeskError):
    """A model problem, with a message fit to show the operator."""


def extract(archive: Path, staging: Path) -> Path:
    """Unpack ``archive`` into ``staging`` after checking its layout and metadata; returns the package folder."""
    with zipfile.ZipFile(archive) as zf:
        entries = [e for e in zf.infolist() if e.filename.strip("/")]
        names = [e.filename for e in entries]
        bad = [n for n in names if n.startswith("/") or ".." in Path(n).parts or "\\" in n or ":" in n]
        if bad:
            raise ModelError(f"{archive}: unsafe path in archive: {bad[0]!r}")
        try:  # what the directory declares; the unpacking below also counts what really comes out
            archives.check(zf, LIMITS)
        except archives.ArchiveError as error:
            raise ModelError(f"{archive}: {error}") from None
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) != 1 or not any("/" in n for n in names):
            raise ModelError(f"{archive}: an .argosmodel holds exactly one top-level folder, found "
                             f"{len(tops)} top-level entries")
        top = tops.pop()
        required = [f"{top}/metadata.json", f"{top}/model/model.bin"]
        missing = [r for r in required if r not in names]
        if not any(n in names for n in (f"{top}/sentencepiece.model", f"{top}/bpe.model")):
            missing.append(f"{top}/sentencepiece.model")
        if missing:
            raise ModelError(f"{archive}: not a translation package, missing {', '.join(missing)}")
        check_metadata(archive, _read_json(zf, f"{top}/metadata.json", archive))
        limit = min(LIMITS.unpacked_bytes, max(archive.stat().st_size * LIMITS.ratio, 64 * 2**20))
        _unpack(zf, entries, staging, limit, archive)
    return staging / top


def check_metadata(archive: Path, metadata: object) -> dict:
    """The metadata's language codes name known languages (they become part of the install path)."""
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise ModelError(f"{archive}: metadata.json lacks from_code/to_code")
    for field in ("from_code", "to_code"):
        code = metadata[field]
        if not isinstance(code, str) or not _CODE.match(code) or languages.find(code) is None:
            raise ModelError(f"{archive}: metadata.json {field} {str(code)[:40]!r} is not a known language code "
                             f"(known: {', '.join(language.code for language in languages.every())})")
    if metadata["from_code"] != languages.SOURCE or metadata["to_code"] == languages.SOURCE:
        raise ModelError(f"{archive}: Briefdesk translates from {languages.SOURCE} into "
                         f"{', '.join(languages.targets())}, not {metadata['from_code']}→{metadata['to_code']}")
    return metadata


def verify(root: Path, archive: Path) -> None:
    """Load the package's SentencePiece model(s) and CTranslate2 model and translate one sentence, or refuse."""
    try:
        import ctranslate2
        import sentencepiece

        extra = json.loads((root / "metadata.json").read_text()).get("briefdesk") or {}
        spm = root / "sentencepiece.model"
        source = sentencepiece.SentencePieceProcessor(model_file=str(spm if spm.exists() else root / "bpe.model"))
        target_spm = root / "target.spm"
        target = sentencepiece.SentencePieceProcessor(model_file=str(target_spm)) if target_spm.exists() else source
        tokens = list(extra.get("source_prefix", [])) + source.encode("Good morning.", out_type=str) \
            + list(extra.get("source_suffix", []))
        prefix = extra.get("target_prefix")
        translator = ctranslate2.Translator(str(root / "model"), device="cpu", inter_threads=1, intra_threads=1)
        result = translator.translate_batch([tokens], target_prefix=[[prefix]] if prefix else None, beam_size=1,
                                            max_decoding_length=16)
        target.decode_pieces(result[0].hypotheses[0])
    except Exception as error:  # noqa: BLE001 - whatever fails to load, the package cannot translate
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
        raise ModelError(f"{archive}: this package cannot translate ({first}); the installed model is kept") \
            from error


def pack(root: Path, output: Path, *, compress: bool = True) -> Path:
    """Write the package folder ``root`` as an ``.argosmodel`` (one top-level folder), atomically and
    reproducibly (fixed timestamps, sorted entries)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(partial, "w", method) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                entry = zipfile.ZipInfo(str(path.relative_to(root.parent)), date_time=(2026, 1, 1, 0, 0, 0))
                entry.compress_type = method
                with path.open("rb") as source, archive.open(entry, "w") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
    partial.rename(output)
    return output


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_json(zf: zipfile.ZipFile, name: str, archive: Path) -> object:
    if zf.getinfo(name).file_size > 1_000_000:
        raise ModelError(f"{archive}: metadata.json is larger than 1 MB")
    try:
        return json.loads(zf.read(name))
    except (ValueError, RecursionError) as error:
        raise ModelError(f"{archive}: metadata.json is not valid JSON ({error})") from error


def _unpack(zf: zipfile.ZipFile, entries: list[zipfile.ZipInfo], staging: Path, limit: int, archive: Path) -> None:
    """Extract entry by entry, counting the bytes actually written (headers can lie)."""
    written = 0
    root = staging.resolve()
    try:
        for entry in entries:
            target = (staging / entry.filename).resolve()
            if root not in target.parents:
                raise ModelError(f"{archive}: unsafe path in archive: {entry.filename!r}")
            if entry.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(entry) as source, target.open("wb") as out:
                while block := source.read(1 << 20):
                    written += len(block)
                    if written > limit:
                        raise ModelError(f"{archive}: unpacks to more than {limit / 1e6:,.0f} MB "
                                         f"({LIMITS.ratio}x its size at most); refused as a zip bomb")
                    out.write(block)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ModelError(f"{archive}: damaged archive ({error})") from error
