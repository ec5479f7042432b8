"""Where Briefdesk keeps what it writes: one data dir, ``BRIEFDESK_HOME``.

Database, installed models, Argos's own settings and caches all live below it, never scattered in ``~``.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The data dir: ``$BRIEFDESK_HOME``, else the platform's user data dir. Created on first use."""
    configured = os.environ.get("BRIEFDESK_HOME")
    if configured:
        path = Path(configured).expanduser()
    else:
        import platformdirs

        path = platformdirs.user_data_path("briefdesk", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """``$DATABASE_URL`` (e.g. PostgreSQL) or SQLite in the data dir."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{home() / 'briefdesk.db'}"


def argos_dir() -> Path:
    """Argos Translate's data, config and cache dirs, kept inside the data dir."""
    return home() / "argos"


def packages_dir() -> Path:
    path = argos_dir() / "packages"
    path.mkdir(parents=True, exist_ok=True)
    return path


def argos_environment() -> dict[str, str]:
    """Environment that points argostranslate's settings (read once, at import) into the data dir."""
    base = argos_dir()
    return {
        "ARGOS_PACKAGES_DIR": str(base / "packages"),
        "XDG_DATA_HOME": str(base / "data"),
        "XDG_CONFIG_HOME": str(base / "config"),
        "XDG_CACHE_HOME": str(base / "cache"),
    }
