"""Configuration: read from the environment once, at the entry point, then passed down explicitly.

Everything Briefdesk writes lives in one data dir (``BRIEFDESK_HOME``): the database, installed models,
Argos's own settings and caches, the review app's secret key. Nothing is scattered in ``~``.

=========================  ==========================================================================
``BRIEFDESK_HOME``         the data dir (default: the platform's user data dir)
``DATABASE_URL``           any SQLAlchemy URL (default: SQLite in the data dir)
``BRIEFDESK_SECURE_COOKIES``  ``1`` behind HTTPS: cookies never travel in clear
``BRIEFDESK_WORKERS``      review-app worker processes (default: one per core, at most 8)
``BRIEFDESK_SESSION_IDLE_MINUTES``  a login ends after this long without a request (default 120)
``BRIEFDESK_SESSION_HOURS``  a login ends this long after it began, whatever happens (default 12)
``BRIEFDESK_TRUSTED_PROXIES``  reverse proxies in front of the app whose X-Forwarded-For is believed (default 0)
=========================  ==========================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import BriefdeskError


class ConfigError(BriefdeskError):
    pass


@dataclass(frozen=True)
class Config:
    home: Path
    database_url: str
    secure_cookies: bool = False
    workers: int | None = None
    session_idle_minutes: int = 120
    session_hours: int = 12
    trusted_proxies: int = 0
    newsroom: str = "Briefdesk"
    """The newsroom's name: the author of Word downloads and feeds (BRIEFDESK_NEWSROOM)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Config:
        configured = environ.get("BRIEFDESK_HOME")
        if configured:
            home = Path(configured).expanduser()
        else:
            import platformdirs

            home = platformdirs.user_data_path("briefdesk", appauthor=False)
        numbers = {name: _number(environ, variable, default) for name, variable, default in (
            ("workers", "BRIEFDESK_WORKERS", None), ("session_idle_minutes", "BRIEFDESK_SESSION_IDLE_MINUTES", 120),
            ("session_hours", "BRIEFDESK_SESSION_HOURS", 12), ("trusted_proxies", "BRIEFDESK_TRUSTED_PROXIES", 0))}
        return cls.at(home, database_url=environ.get("DATABASE_URL") or None,
                      secure_cookies=environ.get("BRIEFDESK_SECURE_COOKIES") == "1",
                      newsroom=(environ.get("BRIEFDESK_NEWSROOM") or "").strip() or "Briefdesk", **numbers)

    @classmethod
    def at(cls, home: Path, *, database_url: str | None = None, **settings) -> Config:
        """The configuration of data dir ``home`` (created if missing), SQLite inside it unless a URL is given."""
        home = Path(home)
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigError(f"data dir {home} cannot be created ({error.strerror or error}); set BRIEFDESK_HOME "
                              "to a writable folder") from error
        if not home.is_dir():
            raise ConfigError(f"data dir {home} is not a folder; set BRIEFDESK_HOME to a writable folder")
        return cls(home=home, database_url=database_url or f"sqlite:///{home / 'briefdesk.db'}", **settings)

    @property
    def argos_dir(self) -> Path:
        """Argos Translate's data, config and cache dirs, kept inside the data dir."""
        return self.home / "argos"

    @property
    def packages_dir(self) -> Path:
        path = self.argos_dir / "packages"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def argos_environment(self) -> dict[str, str]:
        """What points argostranslate's settings (read once, at its import) into the data dir."""
        base = self.argos_dir
        return {"ARGOS_PACKAGES_DIR": str(base / "packages"), "XDG_DATA_HOME": str(base / "data"),
                "XDG_CONFIG_HOME": str(base / "config"), "XDG_CACHE_HOME": str(base / "cache")}


def _number(environ: Mapping[str, str], variable: str, default: int | None) -> int | None:
    value = (environ.get(variable) or "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{variable}={value!r}: expected a whole number")
    return int(value)
