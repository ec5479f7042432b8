"""The interface catalogs: ``web/translations/<code>/LC_MESSAGES/messages.po``, compiled into the ``.mo`` files
Flask-Babel reads. Every build compiles them (``BuildPy``, named in pyproject.toml), so a wheel ships them; a
fresh clone's ``.ci/setup`` runs ``pybabel compile``, which does the same.

setuptools loads this file on its own, in an environment that has only setuptools and Babel: it imports nothing
else, and setuptools only when the build asks for ``BuildPy``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

CATALOGS = Path(__file__).parent / "translations"


@cache
def translations(code: str):
    """Interface language ``code``'s compiled catalog (``babel.support.Translations``; English has none and gets
    the messages as they are), read once a process: restart the app after compiling."""
    from babel.support import Translations

    return Translations.load(str(CATALOGS), [code])


def compile_catalogs(folder: Path = CATALOGS) -> list[Path]:
    """Write each catalog's ``.mo`` beside its ``.po``; fuzzy entries are left out, as ``pybabel compile`` does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(folder.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(mo)
    return written


def __getattr__(name: str):
    # ``BuildPy`` is made on first use: importing setuptools at the top would make it a dependency of the app.
    if name != "BuildPy":
        raise AttributeError(name)
    from setuptools.command.build_py import build_py

    class BuildPy(build_py):
        """setuptools' ``build_py`` that compiles the catalogs first, so package data picks up the ``.mo``."""

        def run(self) -> None:
            compile_catalogs(Path(self.get_package_dir("web")) / "translations")
            super().run()

    return BuildPy
