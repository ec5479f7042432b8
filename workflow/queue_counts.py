"""The queue's counts without reading every review: ``queue_counts`` holds +1/−1 rows per (language, status)
and per article (language and status empty), written by database triggers on ``reviews`` and ``articles``
(migrations); summed, they are the counts. A queue read folds them when they pile up, and so does a batch at its end.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from workflow.review_states import STATUSES
from workflow.store import QueueCount, Store

log = logging.getLogger(__name__)

_TALLY = select(QueueCount.lang, QueueCount.status, func.sum(QueueCount.n), func.count()).group_by(
    QueueCount.lang, QueueCount.status)
FOLD_AFTER = 200
"""Rows of ``queue_counts`` beyond which a queue read folds them into one per (language, status)."""
SHRINK_AFTER = 10_000
"""PostgreSQL: a batch's fold of more rows also gives the table's space back (``_shrink``)."""


class Tally:
    """The summed ``queue_counts``: reviews per (language, status), and articles (the row with both empty)."""

    def __init__(self, rows: list) -> None:
        self.rows = sum(row[3] for row in rows)
        self.sums = {(row[0], row[1]): int(row[2]) for row in rows if row[2]}

    def statuses(self, lang: str | None) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for (code, state), n in self.sums.items():
            if code and (lang is None or code == lang):
                counts[state] = counts.get(state, 0) + n
        return counts

    def total(self, lang: str | None, status: str | None) -> int | None:
        """The queue's length under a language and/or status filter; None where it takes a query (a status in
        any language counts articles, not reviews)."""
        if lang is None:
            return self.sums.get(("", ""), 0) if status is None else None
        return sum(n for (code, state), n in self.sums.items() if code == lang and status in (None, state))

    def languages(self) -> list[str]:
        return sorted({code for code, _ in self.sums if code})


def fold(store: Store, shrink_after: int | None = None) -> int:
    """Replace the rows of ``queue_counts`` by their sums, one row per (language, status); returns how many rows
    it folded. Safe beside writers and other folds: the DELETE takes exactly the rows this transaction sees (and
    can lock), and puts back their sums; rows a concurrent transaction adds meanwhile stay as they are.
    On PostgreSQL a fold of more than ``shrink_after`` rows also gives the table's space back (``_shrink``):
    batches ask for it at their end, the pages do not (it can wait seconds behind a long transaction)."""
    folded = _fold(store)
    if shrink_after is not None and folded > shrink_after and store.engine.dialect.name == "postgresql":
        _shrink(store)
    return folded


def _fold(store: Store) -> int:
    with store.session() as session:
        sums: dict[tuple[str, str], int] = {}
        folded = 0
        for code, state, n in session.execute(delete(QueueCount).returning(
                QueueCount.lang, QueueCount.status, QueueCount.n)):
            sums[code, state] = sums.get((code, state), 0) + n
            folded += 1
        rows = [{"lang": code, "status": state, "n": n} for (code, state), n in sums.items() if n]
        if rows:
            session.execute(insert(QueueCount), rows)
    return folded


def _shrink(store: Store) -> None:
    """Every page reads ``queue_counts`` whole. After 300,000 stories the folded rows stay behind as 900,000
    dead tuples until autovacuum comes (1.3 ms a read, p95 110 ms instead of 74). Vacuumed, they still fill
    4,700 empty pages (38 MB after 800,000 rows, 5.6 ms a read), because the sums went in at the table's end
    and so a VACUUM cannot cut the end off. Folded once more, the sums move into the first free page, and a
    second VACUUM cuts off the rest. That one cleans the index too: left to itself it skips an index with dead
    rows on so few pages, and their line pointers keep the last page from being cut off. Best effort:
    - rows an older transaction can still see stay, and the space until a later large fold;
    - the cut waits up to 5 s for a moment no other transaction holds the table, then gives up;
    - for a role that does not own the table PostgreSQL vacuums nothing (its server log says so);
    - a failure here never fails the fold."""
    try:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM queue_counts")
            _fold(store)
            connection.exec_driver_sql("VACUUM (INDEX_CLEANUP ON) queue_counts")
    except DBAPIError as error:
        log.warning("VACUUM queue_counts after a fold failed (the next large fold tries again): %s", error)


def read(connection) -> Tally:
    """The summed counts, in one statement on the queue read's connection."""
    return Tally(connection.execute(_TALLY).all())
