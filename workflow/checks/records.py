"""Reading ``{"id", "en", "<lang>"}`` records for ``briefdesk check`` and ``eval checks``: a broken line is
reported by its number and reason, never stopping the lines after it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Record:
    line: int
    id: str
    en: str
    text: str
    data: dict


@dataclass(frozen=True)
class Broken:
    line: int
    id: str | None
    reason: str


def read(path: Path, lang: str) -> Iterator[Record | Broken]:
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as error:
                yield Broken(number, None, f"not JSON ({getattr(error, 'msg', error)})")
                continue
            if not isinstance(data, dict):
                yield Broken(number, None, "not a JSON object")
                continue
            record_id = data.get("id")
            missing = [name for name in ("en", lang) if not isinstance(data.get(name), str)]
            if missing:
                yield Broken(number, record_id if isinstance(record_id, str) else None,
                             f"no text in {' and '.join(repr(m) for m in missing)}")
                continue
            yield Record(number, str(record_id) if record_id is not None else f"line {number}", data["en"],
                         data[lang], data)
