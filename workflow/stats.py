"""Post-edit effort: how much editors changed each model's output before approving it.

Per model and language, over the (article, language) pairs approved in a period: how many sentences were
reviewed, the share an editor edited, and two edit rates between the machine output and the approved text
(sacrebleu): TER (HTER: edits per 100 tokens of the approved text; characters for scripts written without
spaces) and chrF (100: untouched). This is how a newsroom chooses between models.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow import languages, review_states, texts
from workflow.review_states import APPROVED
from workflow.store import Article, Decision, Review, Store


@dataclass(frozen=True)
class PostEdit:
    model: str
    lang: str
    articles: int
    sentences: int
    edited: int
    ter: float
    chrf: float

    @property
    def edited_share(self) -> float:
        return round(100 * self.edited / self.sentences, 1) if self.sentences else 0.0

    def to_json(self) -> dict:
        return {**asdict(self), "edited_percent": self.edited_share}


def post_edit(store: Store, since: datetime | None = None, until: datetime | None = None) -> list[PostEdit]:
    """Post-edit figures per (model, language) for the approvals made in [since, until)."""
    from sacrebleu.metrics import CHRF, TER
    pairs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    articles: dict[tuple[str, str], int] = {}
    with store.read() as session:
        for article, review in _approved(session, since, until):
            machine = {t.sentence_id: t.text for t in texts.translations(session, article.id, review.lang,
                                                                           review.model)}
            current = texts.current_texts(session, article, review.lang, review.model)
            key = (review.model, review.lang)
            articles[key] = articles.get(key, 0) + 1
            pairs.setdefault(key, []).extend((machine[sid], current[sid]) for sid in machine if sid in current)
    rows = []
    for (model, lang), found in sorted(pairs.items()):
        by_character = languages.find(lang) is not None and languages.get(lang).bleu_tokenize in ("zh", "char")
        split = (lambda text: " ".join(text.replace(" ", ""))) if by_character else (lambda text: text)
        hypotheses, references = [split(m) for m, _ in found], [split(f) for _, f in found]
        ter = _ter(TER(), hypotheses, references)
        chrf = CHRF().corpus_score([m for m, _ in found], [[f for _, f in found]]).score if found else 0.0
        rows.append(PostEdit(model, lang, articles[(model, lang)], len(found), sum(m != f for m, f in found),
                             round(ter, 2), round(chrf, 2)))
    return rows


def _ter(metric, hypotheses: list[str], references: list[str]) -> float:
    """Corpus TER as sacrebleu computes it (all edits over all reference words), with the search for shifts run
    only on the sentences an editor changed: an unchanged one adds no edit, only its length. (The search is
    quadratic in a sentence's tokens, and Khmer is counted in characters: run on every sentence, four approved
    Khmer stories take 4 s.)"""
    changed = [(h, r) for h, r in zip(hypotheses, references) if h != r]
    if not changed:
        return 0.0
    # sacrebleu's TER lowercases, then counts whitespace-separated words (no normalization by default)
    length = sum(len(r.lower().split()) for r in references)
    changed_length = sum(len(r.lower().split()) for _, r in changed)
    if not changed_length:  # (sacrebleu's own rule for edits against empty references)
        return metric.corpus_score(hypotheses, [references]).score
    edits = metric.corpus_score([h for h, _ in changed], [[r for _, r in changed]]).score * changed_length / 100
    return 100 * edits / length


def _approved(session: Session, since: datetime | None, until: datetime | None):
    """(article, review) of every pair approved now whose latest approval falls in the period."""
    query = (select(Article, Review).join(Review, Review.article_id == Article.id)
             .join(Decision, (Decision.article_id == Review.article_id) & (Decision.lang == Review.lang))
             .where(Review.status == APPROVED, Decision.id.in_(review_states.latest_approvals()))
             .order_by(Article.id, Review.lang))
    if since is not None:
        query = query.where(Decision.created_at >= since)
    if until is not None:
        query = query.where(Decision.created_at < until)
    return session.execute(query).all()
