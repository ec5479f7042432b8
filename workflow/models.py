"""Installed translation models: Argos Translate packages in the data dir.

Packages are read with argostranslate's own package machinery (``argostranslate.package``), pointed into
``BRIEFDESK_HOME`` before its first import. Installing is done here rather than with
``argostranslate.package.install_from_path`` because that extracts straight into the packages dir (a bad zip
leaves half a package) and imports the heavy ``argostranslate.translate``: a package is validated in a
temporary folder and moved into place in one rename. One package per language pair; adding another replaces it.

Briefdesk-specific fields live under a ``briefdesk`` key in ``metadata.json`` (demo flag, licence, source prefix
and suffix tokens), which vanilla argostranslate ignores.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from workflow import home

LANGUAGE_NAMES = {"en": "English", "km": "Khmer", "zh": "Chinese (Simplified)", "zt": "Chinese (Traditional)"}
TARGETS = ("km", "zh", "zt")
INDEX_TIMEOUT_S = 15


class ModelError(Exception):
    """A model problem, with a message fit to show the operator."""


@dataclass(frozen=True)
class Model:
    from_code: str
    to_code: str
    version: str
    path: Path
    size_bytes: int
    demo: bool
    source: str
    license: str
    checksum: str
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def pair(self) -> str:
        return f"{self.from_code}→{self.to_code}"

    @property
    def key(self) -> str:
        """Identifies this exact model in the store: a changed model is a different key."""
        return f"{self.from_code}-{self.to_code}@{self.version}#{self.checksum[:12]}"

    @property
    def label(self) -> str:
        return f"{self.pair} {self.version}" + (" (DEMO)" if self.demo else "")

    @property
    def source_prefix(self) -> list[str]:
        return list(self.extra.get("source_prefix", []))

    @property
    def source_suffix(self) -> list[str]:
        return list(self.extra.get("source_suffix", []))

    @property
    def target_prefix(self) -> list[str]:
        prefix = self.extra.get("target_prefix")
        return [prefix] if isinstance(prefix, str) and prefix else list(prefix or [])


def argos_package_module():
    """``argostranslate.package``, with its settings pointed into the current data dir."""
    package = _import_argos_package()
    # Settings are read once, at import; follow BRIEFDESK_HOME if it changed since (tests, several stores).
    package.settings.package_data_dir = home.packages_dir()
    package.settings.package_dirs = [package.settings.package_data_dir]
    package.settings.downloads_dir = home.argos_dir() / "cache" / "downloads"
    package.settings.downloads_dir.mkdir(parents=True, exist_ok=True)
    return package


@lru_cache(maxsize=1)
def _import_argos_package():
    saved = {key: os.environ.get(key) for key in home.argos_environment()}
    os.environ.update(home.argos_environment())  # argostranslate.settings reads these once, at import
    try:
        import argostranslate.package as package
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return package


def installed() -> list[Model]:
    """Every installed package, sorted by pair."""
    package = argos_package_module()
    models = []
    for directory in sorted(home.packages_dir().iterdir()):
        if directory.is_dir() and not directory.name.startswith("."):
            try:
                models.append(_describe(package.Package(directory)))
            except Exception:  # noqa: BLE001 - a broken folder must not hide the others
                continue
    return sorted(models, key=lambda m: (m.from_code, m.to_code))


def find(to_code: str, from_code: str = "en") -> Model:
    """The installed model for a pair, or a ModelError that says how to get one."""
    if to_code not in LANGUAGE_NAMES or to_code == from_code:
        raise ModelError(f"unknown target language {to_code!r}; Briefdesk translates into "
                         f"{', '.join(TARGETS)}")
    for model in installed():
        if model.from_code == from_code and model.to_code == to_code:
            return model
    raise ModelError(f"no {from_code}→{to_code} model installed; run `briefdesk models install {to_code}` "
                     f"(online), `briefdesk models add FILE.argosmodel`, or `briefdesk models install demo`")


def add(archive: Path) -> Model:
    """Install a local ``.argosmodel`` file after validating it; nothing is half-installed on failure."""
    archive = Path(archive)
    if not archive.is_file():
        raise ModelError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise ModelError(f"{archive}: not a valid .argosmodel (not a zip archive)")
    packages = home.packages_dir()
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=packages))
    try:
        root = _extract(archive, staging)
        model = _describe(argos_package_module().Package(root))
        for other in installed():
            if other.from_code == model.from_code and other.to_code == model.to_code:
                _remove_dir(other.path)
        target = packages / f"translate-{model.from_code}_{model.to_code}"
        _remove_dir(target)
        (root / ".briefdesk-checksum").write_text(_sha256(archive))
        root.rename(target)
        return _describe(argos_package_module().Package(target))
    except ModelError:
        raise
    except Exception as error:  # noqa: BLE001 - any unreadable package is the file's fault
        raise ModelError(f"{archive}: not a valid .argosmodel ({error})") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove(pair: str) -> Model:
    """Remove the model for ``TO`` or ``FROM-TO`` (e.g. ``km`` or ``en-km``)."""
    from_code, _, to_code = pair.replace("→", "-").replace("_", "-").rpartition("-")
    from_code = from_code or "en"
    model = find(to_code, from_code)
    _remove_dir(model.path)
    return model


def demo_archives() -> list[Path]:
    folder = resources.files("workflow") / "demo"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".argosmodel"))


def install_demo(languages: list[str] | None = None) -> list[Model]:
    """Install the bundled demo models (all, or those for ``languages``)."""
    wanted = [p for p in demo_archives() if languages is None or p.name.split("_")[1].split("-")[0] in languages]
    return [add(path) for path in wanted]


def install_from_index(to_code: str, from_code: str = "en") -> Model:
    """Download and install the pair's package from the Argos package index (needs the internet)."""
    package = argos_package_module()
    settings = package.settings
    try:
        with urllib.request.urlopen(settings.remote_package_index, timeout=INDEX_TIMEOUT_S) as response:
            index = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ModelError(
            f"cannot reach the Argos package index ({settings.remote_package_index}): {error}. "
            "Offline, download the .argosmodel on a connected machine and run `briefdesk models add FILE`."
        ) from error
    matches = [package.AvailablePackage(m) for m in index
               if m.get("from_code") == from_code and m.get("to_code") == to_code]
    if not matches:
        raise ModelError(f"the Argos index has no {from_code}→{to_code} package; "
                         "build one with `briefdesk models convert` or use `briefdesk models add FILE`")
    try:
        archive = matches[0].download()
    except Exception as error:  # noqa: BLE001 - networking errors come in many types
        raise ModelError(f"download of {from_code}→{to_code} failed: {error}") from error
    return add(Path(archive))


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


# --- helpers -------------------------------------------------------------------------------------------------


def _extract(archive: Path, staging: Path) -> Path:
    with zipfile.ZipFile(archive) as zf:
        names = [n for n in zf.namelist() if n.strip("/")]
        bad = [n for n in names if n.startswith("/") or ".." in Path(n).parts or "\\" in n]
        if bad:
            raise ModelError(f"{archive}: unsafe path in archive: {bad[0]!r}")
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
        try:
            metadata = json.loads(zf.read(f"{top}/metadata.json"))
        except ValueError as error:
            raise ModelError(f"{archive}: metadata.json is not valid JSON ({error})") from error
        if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
            raise ModelError(f"{archive}: metadata.json lacks from_code/to_code")
        try:
            zf.extractall(staging)
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise ModelError(f"{archive}: damaged archive ({error})") from error
    return staging / top


def _describe(package) -> Model:
    path = Path(package.package_path)
    metadata = json.loads((path / "metadata.json").read_text())
    extra = metadata.get("briefdesk") or {}
    checksum_file = path / ".briefdesk-checksum"
    checksum = checksum_file.read_text().strip() if checksum_file.exists() else _sha256(path / "model" / "model.bin")
    return Model(
        from_code=package.from_code, to_code=package.to_code, version=package.package_version or "?",
        path=path, size_bytes=sum(p.stat().st_size for p in path.rglob("*") if p.is_file()),
        demo=bool(extra.get("demo")), source=extra.get("source", "Argos Translate"),
        license=extra.get("license", metadata.get("license", "see package README")), checksum=checksum,
        extra=extra,
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove_dir(path: Path) -> None:
    if path.exists():
        # Rename first so a crash mid-delete never leaves a half package under a real name.
        trash = path.with_name(f".trash-{path.name}-{os.getpid()}")
        path.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
