"""Zip archives from outside (Word uploads, model packages): what is checked before any parser opens one.

Every Python reader of a zip (python-docx, the package installer) unpacks at most the sizes the archive's
directory declares, so checking those declared sizes and compression ratios first bounds the memory and disk an
archive can cost. The limits for each kind of archive live here, in one place.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    files: int
    """Entries in the archive."""
    unpacked_bytes: int
    """All entries together, unpacked."""
    ratio: int
    """Unpacked size over compressed size, for any entry of more than ``RATIO_FROM_BYTES`` unpacked."""


RATIO_FROM_BYTES = 2**20
"""Small entries may compress very well (a 2 KB XML of repeated tags); only a large one that does is a bomb."""

WORD = Limits(files=2_000, unpacked_bytes=50 * 2**20, ratio=200)
"""A .docx: XML that compresses about 10x, images that barely compress (a 20 MB upload of photos unpacks to
little more); python-docx holds every part in memory, and the XML again as a tree."""
MODEL_PACKAGE = Limits(files=1_000, unpacked_bytes=16 * 2**30, ratio=50)
"""An .argosmodel: the largest real package (MADLAD-400 10B as int8) is about 11 GB; weights barely compress."""


class ArchiveError(ValueError):
    """The archive would unpack to more than its kind may (the message says what and how much)."""


def check(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an archive whose directory declares too many entries, too much data or a zip-bomb ratio."""
    entries = archive.infolist()
    if len(entries) > limits.files:
        raise ArchiveError(f"{len(entries)} files in the archive; at most {limits.files}")
    for entry in entries:
        if entry.file_size > RATIO_FROM_BYTES and entry.file_size > limits.ratio * max(entry.compress_size, 1):
            raise ArchiveError(f"{entry.filename} unpacks to {entry.file_size / 2**20:,.0f} MB from "
                               f"{entry.compress_size / 2**10:,.0f} KB: a zip bomb")
    total = sum(entry.file_size for entry in entries)
    if total > limits.unpacked_bytes:
        raise ArchiveError(f"unpacks to {total / 2**20:,.0f} MB; at most {limits.unpacked_bytes / 2**20:,.0f} MB")
