"""Stored check issues: what the translation checks (``workflow.checks``) found in each sentence's current
translation, the model's or an editor's, and the editor's word that one is not wrong ("3 = three").

Recording replaces a sentence's issues in one language, so they always describe its current text; a dismissal
lasts until the text changes. Approving a language with open issues asks first (``review.decide``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from workflow import checks
from workflow.errors import N_, BriefdeskError
from workflow.store import Article, CheckIssue, Store, utcnow


class CheckIssueError(BriefdeskError):
    pass


def record(session: Session, article_id: int, lang: str, translations: Iterable[tuple[int, str, str]]) -> None:
    """Check each (sentence id, English, text) as the ``lang`` translation and store what is wrong, instead of
    what was (one statement for all of them: a batch records a whole article at once)."""
    translations = list(translations)
    if not translations:
        return
    session.execute(delete(CheckIssue).where(CheckIssue.sentence_id.in_([sid for sid, _, _ in translations]),
                                             CheckIssue.lang == lang))
    session.add_all(CheckIssue(article_id=article_id, sentence_id=sid, lang=lang, check=issue.check,
                               detail=issue.detail)
                    for sid, en, text in translations for issue in checks.check(en, text, lang))


def open_count(session: Session, article_id: int, lang: str) -> int:
    return session.scalar(select(func.count()).select_from(CheckIssue).where(
        CheckIssue.article_id == article_id, CheckIssue.lang == lang, CheckIssue.dismissed_at.is_(None)))


def dismiss(store: Store, external_id: str, issue_id: int, username: str) -> CheckIssue:
    """An editor's word that this issue of article ``external_id`` is not wrong; kept with who and when."""
    with store.session() as session:
        issue = session.scalar(select(CheckIssue).join(Article, Article.id == CheckIssue.article_id).where(
            CheckIssue.id == issue_id, Article.external_id == external_id))
        if issue is None:
            raise CheckIssueError(N_("no check issue %(issue)s in %(id)s"), issue=issue_id, id=external_id)
        if issue.dismissed_at is None:
            issue.dismissed_by, issue.dismissed_at = username, utcnow()
        return issue
