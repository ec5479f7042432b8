"""Installed translation models: Argos Translate packages in the data dir.

Packages are read with argostranslate's own package machinery (``argostranslate.package``), pointed into
the data dir before its first import. Installing is done here rather than with
``argostranslate.package.install_from_path`` because that extracts straight into the packages dir (a bad zip
leaves half a package) and imports the heavy ``argostranslate.translate``: a package is validated in a
temporary folder and moved into place in one rename. One package per language pair; adding another replaces it.

The file format itself (safe unpacking, the translation check before install, packing) is
``workflow.packages``. Briefdesk-specific fields live under a ``briefdesk`` key in ``metadata.json`` (demo
flag, licence, source prefix and suffix tokens), which vanilla argostranslate ignores.
"""

from __future__ import annotations

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

from workflow import languages, packages
from workflow.config import Config
from workflow.packages import ModelError

INDEX_TIMEOUT_S = 15


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
    def max_positions(self) -> int | None:
        """How many positions the model's position table holds, when its package says (``models convert``
        records it); sentences and translations must fit in it."""
        value = self.extra.get("max_positions")
        return value if isinstance(value, int) and value > 0 else None

    @property
    def target_prefix(self) -> list[str]:
        prefix = self.extra.get("target_prefix")
        return [prefix] if isinstance(prefix, str) and prefix else list(prefix or [])


class Registry:
    """The models installed in one data dir."""

    def __init__(self, config: Config):
        self.config = config

    @property
    def packages_dir(self) -> Path:
        return self.config.packages_dir

    def argos_package_module(self):
        """``argostranslate.package``, with its settings pointed into this data dir."""
        package = _import_argos_package(tuple(sorted(self.config.argos_environment().items())))
        # Settings are read once, at import; follow this data dir if another one was used before.
        package.settings.package_data_dir = self.packages_dir
        package.settings.package_dirs = [package.settings.package_data_dir]
        package.settings.downloads_dir = self.config.argos_dir / "cache" / "downloads"
        package.settings.downloads_dir.mkdir(parents=True, exist_ok=True)
        return package

    def installed(self) -> list[Model]:
        """Every installed package, sorted by pair."""
        package = self.argos_package_module()
        models = []
        for directory in sorted(self.packages_dir.iterdir()):
            if directory.is_dir() and not directory.name.startswith("."):
                try:
                    models.append(_describe(package.Package(directory)))
                except Exception:  # noqa: BLE001 - a broken folder must not hide the others
                    continue
        return sorted(models, key=lambda m: (m.from_code, m.to_code))

    def find(self, to_code: str, from_code: str = languages.SOURCE) -> Model:
        """The installed model for a pair, or a ModelError that says how to get one."""
        languages.get(to_code)
        for model in self.installed():
            if model.from_code == from_code and model.to_code == to_code:
                return model
        raise ModelError(f"no {from_code}→{to_code} model installed; run `briefdesk models install {to_code}` "
                         f"(online), `briefdesk models add FILE.argosmodel`, or `briefdesk models install demo`")

    def missing(self, codes: list[str]) -> list[str]:
        """The target languages among ``codes`` that have no installed model."""
        have = {m.to_code for m in self.installed() if m.from_code == languages.SOURCE}
        return [code for code in codes if code not in have]

    def add(self, archive: Path) -> Model:
        """Install a local ``.argosmodel`` file after validating it; nothing is half-installed on failure."""
        archive = Path(archive)
        if not archive.is_file():
            raise ModelError(f"{archive}: no such file")
        if not zipfile.is_zipfile(archive):
            raise ModelError(f"{archive}: not a valid .argosmodel (not a zip archive)")
        folder = self.packages_dir.resolve()
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder))
        try:
            root = packages.extract(archive, staging)
            model = _describe(self.argos_package_module().Package(root))
            target = (folder / f"translate-{model.from_code}_{model.to_code}").resolve()
            if target.parent != folder:  # codes were checked; this is the last line of defence
                raise ModelError(f"{archive}: would install outside {folder}")
            packages.verify(root, archive)  # a package that cannot translate never replaces one that can
            for other in self.installed():
                if other.from_code == model.from_code and other.to_code == model.to_code:
                    _remove_dir(other.path)
            _remove_dir(target)
            (root / ".briefdesk-checksum").write_text(packages.sha256(archive))
            root.rename(target)
            return _describe(self.argos_package_module().Package(target))
        except ModelError:
            raise
        except Exception as error:  # noqa: BLE001 - any unreadable package is the file's fault
            raise ModelError(f"{archive}: not a valid .argosmodel ({error})") from error
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def remove(self, pair: str) -> Model:
        """Remove the model for ``TO`` or ``FROM-TO`` (e.g. ``km`` or ``en-km``)."""
        from_code, _, to_code = pair.replace("→", "-").replace("_", "-").rpartition("-")
        model = self.find(to_code, from_code or languages.SOURCE)
        _remove_dir(model.path)
        return model

    def install_demo(self, codes: list[str] | None = None) -> list[Model]:
        """Install the bundled demo models (all, or those for ``codes``)."""
        wanted = [p for p in demo_archives() if codes is None or p.name.split("_")[1].split("-")[0] in codes]
        return [self.add(path) for path in wanted]

    def install_from_index(self, to_code: str, from_code: str = languages.SOURCE) -> Model:
        """Download and install the pair's package from the Argos package index (needs the internet)."""
        package = self.argos_package_module()
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
        return self.add(Path(archive))


@lru_cache(maxsize=1)
def _import_argos_package(environment: tuple[tuple[str, str], ...]):
    # argostranslate.settings reads these once, at its import (and creates the folders they name): set them
    # for the import alone, then put the environment back as it was.
    saved = {key: os.environ.get(key) for key, _ in environment}
    os.environ.update(dict(environment))
    try:
        import argostranslate.package as package
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return package


def demo_archives() -> list[Path]:
    folder = resources.files("workflow") / "demo"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".argosmodel"))


# --- helpers -------------------------------------------------------------------------------------------------


def _describe(package) -> Model:
    path = Path(package.package_path)
    metadata = json.loads((path / "metadata.json").read_text())
    extra = metadata.get("briefdesk") or {}
    checksum_file = path / ".briefdesk-checksum"
    checksum = (checksum_file.read_text().strip() if checksum_file.exists()
                else packages.sha256(path / "model" / "model.bin"))
    return Model(
        from_code=package.from_code, to_code=package.to_code, version=package.package_version or "?",
        path=path, size_bytes=sum(p.stat().st_size for p in path.rglob("*") if p.is_file()),
        demo=bool(extra.get("demo")), source=extra.get("source", "Argos Translate"),
        license=extra.get("license", metadata.get("license", "see package README")), checksum=checksum,
        extra=extra,
    )


def _remove_dir(path: Path) -> None:
    if path.exists():
        # Rename first so a crash mid-delete never leaves a half package under a real name.
        trash = path.with_name(f".trash-{path.name}-{os.getpid()}")
        path.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
