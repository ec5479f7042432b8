"""The review states and their moves (``workflow.review_states``): the table read plainly, the store refusing a
state it does not know, the latest approval, and the reasons the docs promise a CMS."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from workflow import review, review_states
from workflow.review_states import APPROVED, IN_REVIEW, NEW, REJECTED, STATUSES
from workflow.store import Article, Decision, Review

ARTICLE = "hor-namhong-china-visit"
DOCS = Path(__file__).resolve().parents[1] / "docs"

# Where each move leads from each state, written out (rows: the move; columns: new, in_review, approved, rejected).
EXPECTED = {
    "translated again": (NEW, NEW, NEW, NEW),
    "headline added": (NEW, IN_REVIEW, IN_REVIEW, REJECTED),
    "edited": (IN_REVIEW, IN_REVIEW, IN_REVIEW, IN_REVIEW),
    "brief choice": (NEW, IN_REVIEW, IN_REVIEW, REJECTED),
    "approved": (APPROVED, APPROVED, APPROVED, APPROVED),
    "rejected": (REJECTED, REJECTED, REJECTED, REJECTED),
}


def test_every_move_from_every_state():
    assert set(review_states.MOVES) == set(EXPECTED)
    for move, targets in EXPECTED.items():
        assert [review_states.after(status, move) for status in STATUSES] == list(targets), move


def test_pending_and_decisions_are_states_and_every_state_is_reachable():
    assert set(review_states.PENDING) | set(review_states.DECISIONS) == set(STATUSES)
    assert {move.to for move in review_states.MOVES.values()} == set(STATUSES)
    assert review_states.LABELS[IN_REVIEW] == "in review"


def test_the_withdrawal_reasons_are_the_ones_the_webhook_docs_promise():
    row = next(line for line in (DOCS / "operations.md").read_text().splitlines() if "`brief.withdrawn`" in line)
    documented = re.findall(r"`([a-z ]+)`", row.split("`reason`", 1)[1])
    assert sorted(documented) == sorted(review_states.WITHDRAWN_BECAUSE)


def test_the_store_refuses_a_state_it_does_not_know(reviewed_store):
    with pytest.raises(StatementError, match="no_such_state"):
        with reviewed_store.session() as session:
            article_id = session.scalar(select(Article.id).where(Article.external_id == ARTICLE))
            session.get(Review, (article_id, "km")).status = "no_such_state"
    with pytest.raises(StatementError, match="in_review"):  # a decision is approved or rejected, nothing else
        with reviewed_store.session() as session:
            session.add(Decision(article_id=article_id, lang="km", status=IN_REVIEW, username="eddie"))
    with reviewed_store.read() as session:
        assert session.get(Review, (article_id, "km")).status == NEW


def test_the_latest_approval_is_the_newest_decision_of_each_language(reviewed_store):
    review.decide(reviewed_store, ARTICLE, "km", APPROVED, "eddie")
    review.decide(reviewed_store, ARTICLE, "km", REJECTED, "erin")
    review.decide(reviewed_store, ARTICLE, "km", APPROVED, "erin")  # (likely the same clock second as the first)
    review.decide(reviewed_store, ARTICLE, "zh", APPROVED, "eddie")
    with reviewed_store.read() as session:
        latest = set(session.scalars(review_states.latest_approvals()))
        decisions = session.execute(select(Decision.id, Decision.lang, Decision.username)
                                    .order_by(Decision.id)).all()
    assert [(lang, who) for id_, lang, who in decisions if id_ in latest] == [("km", "erin"), ("zh", "eddie")]
