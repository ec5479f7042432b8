import pytest

from workflow import summarize
from workflow.corpus import sample_dir
from workflow.errors import UsageError
from workflow.segment import count_words, split_sentences
from workflow.summarize import ALGORITHMS, Budget

CORPUS = sample_dir()


@pytest.fixture(scope="module")
def article():

    text = (CORPUS / "hor-namhong-china-visit.en.txt").read_text()
    return [s.text for s in split_sentences("\n\n".join(text.splitlines()))]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_picks_article_sentences_in_order(article, algorithm):
    chosen = summarize.summarize(article, budget=Budget(sentences=3), algorithm=algorithm, title="Hor Namhong")
    assert len(chosen) == 3
    assert chosen == sorted(set(chosen)) and all(0 <= i < len(article) for i in chosen)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("words", [12, 40, 75])
def test_word_budget_is_never_exceeded(article, algorithm, words):
    chosen = summarize.summarize(article, budget=Budget(sentences=None, words=words), algorithm=algorithm)
    assert sum(count_words(article[i]) for i in chosen) <= words
    assert chosen  # every budget here fits at least one sentence of this article


def test_lead_is_the_first_sentences(article):
    assert summarize.summarize(article, budget=Budget(sentences=3), algorithm="lead") == [0, 1, 2]


def test_news_holds_back_bylines_and_fragments():
    sentences = ["By Jane Doe, CNN", "PUBLISHED: 12:00 GMT, 1 May 2015",
                 "The government said on Monday that the election would be held in July as planned.",
                 "Opposition parties called the decision unfair and vowed to boycott the vote entirely.",
                 "Observers expect a low turnout in the capital and in rural provinces this year."]
    assert summarize.summarize(sentences, budget=Budget(sentences=2), algorithm="news") == [2, 3]


def test_brief_of_text_returns_verbatim_sentences():
    text = "First sentence here is long enough to count. Second one follows it closely.\n\nThird paragraph ends."
    brief = summarize.brief_of_text(text, budget=Budget(sentences=2), algorithm="lead")
    assert brief == ["First sentence here is long enough to count.", "Second one follows it closely."]


def test_unknown_algorithm_and_bad_budget():
    with pytest.raises(UsageError, match="unknown summary algorithm"):
        summarize.summarize(["A."], algorithm="magic")
    with pytest.raises(ValueError):
        Budget(sentences=None, words=None)
    with pytest.raises(ValueError):
        Budget(sentences=0)
