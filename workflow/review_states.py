"""Review states of an (article, language), the moves between them, and when each was approved.

::

    translated ──▶ new ──┬── edited ──▶ in_review ──┬── approved ──▶ approved
                         └──────────────────────────┴── rejected ──▶ rejected
    any state ── translated again ──▶ new;   approved ── brief choice, headline added ──▶ in_review

The review code names the move (``MOVES``), never the state it leads to: adding a state, or a way into one,
is this table (and a chip colour in ``web/static/style.css``; without one it shows as a plain chip). Leaving
``approved`` withdraws the published brief, and the webhooks are told the move's ``reason``
(``workflow.events``).

A light module: the CLI's ``--help`` reads these words without loading the store.
"""

from __future__ import annotations

from dataclasses import dataclass

NEW, IN_REVIEW, APPROVED, REJECTED = "new", "in_review", "approved", "rejected"
STATUSES = (NEW, IN_REVIEW, APPROVED, REJECTED)
PENDING = (NEW, IN_REVIEW)
"""Waiting for an editor (the queue's "next")."""
DECISIONS = (APPROVED, REJECTED)
"""What an editor decides."""
LABELS = {status: status.replace("_", " ") for status in STATUSES}
"""As the pages show them."""

TRANSLATING, FAILED = "translating", "failed"
"""Where a language stands before it has a review state, or while a changed story is translated again (the
API's per-language status: ``workflow.jobs.standing``)."""


@dataclass(frozen=True)
class Move:
    """One way a review state changes."""

    to: str
    reason: str
    """Told to the webhooks when the move withdraws a published brief."""
    starts: tuple[str, ...] = STATUSES
    """The states it leaves; from any other it changes nothing."""


MOVES = {
    "translated again": Move(NEW, "translated again"),  # new machine text or another model: review it again
    "headline added": Move(IN_REVIEW, "translated again", (APPROVED,)),  # text added, none changed (migration 0011)
    "edited": Move(IN_REVIEW, "edited"),
    "brief choice": Move(IN_REVIEW, "brief choice", (APPROVED,)),  # other sentences chosen for the brief
    "approved": Move(APPROVED, "approved"),
    "rejected": Move(REJECTED, "rejected"),
}

WITHDRAWN_BECAUSE = tuple(dict.fromkeys(move.reason for move in MOVES.values() if move.to != APPROVED))
"""Why an approved language left ``approved``: a CMS may keep the old text online while a correction is under
way (``edited``, ``brief choice``, ``translated again``) and take it down when it was ``rejected``."""


def after(status: str, move: str) -> str:
    """The state ``move`` leads to from ``status`` (``status`` itself where the move does not start there)."""
    step = MOVES[move]
    return step.to if status in step.starts else status


def latest_approvals():
    """``SELECT max(decisions.id)`` per (article, language) approved at least once: the decision that made each
    its latest approval (ids grow with time; two approvals in one clock tick keep their order)."""
    # The table as this query needs it, not the model (the schema imports this module), and imported here: the
    # CLI's --help reads this module without SQLAlchemy.
    from sqlalchemy import column, func, select, table

    decisions = table("decisions", column("id"), column("article_id"), column("lang"), column("status"))
    return (select(func.max(decisions.c.id)).where(decisions.c.status == APPROVED)
            .group_by(decisions.c.article_id, decisions.c.lang))
