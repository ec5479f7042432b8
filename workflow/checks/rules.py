"""The checks, one class each (registered in ``workflow.checks``)."""

from __future__ import annotations

import re

from workflow.checks import Check, numbers, register
from workflow.errors import N_

_CODE = re.compile(r"[A-Za-z][A-Za-z0-9.-]*\d[A-Za-z0-9-]*")
"""Codes written with digits (COVID-19, H1N1, ORF4, SARS-CoV-2): copied as they are, they are not numbers."""


def _codes(text: str) -> set[str]:
    found = set()
    for code in _CODE.findall(text):
        code = code.rstrip(".-")
        found.add(code)
        parts = code.split("-")  # anti-SARS-CoV-2 holds SARS-CoV-2; Fig.2 holds 2
        found |= {"-".join(parts[i:]) for i in range(1, len(parts))}
        found |= {"-".join(parts[:i]) for i in range(1, len(parts))}
        found = {part for part in found if re.search(r"\d", part) and part[0].isalpha()}
    return found


def _without_codes(en: str, text: str) -> tuple[str, str]:
    """Both sides without the codes they share (in any case: Covid-19), and the translation without codes the
    English has none like (its "R0" where the English says "it"); a code the English has with other digits
    (COVID-18) stays, to be found."""
    in_en, in_text = _codes(en), _codes(text)
    shared = {code.lower() for code in in_en} & {code.lower() for code in in_text}
    prefixes = {re.match(r"[A-Za-z.-]*", code).group(0).lower() for code in in_en}
    for code in sorted(in_en | in_text, key=len, reverse=True):
        if code.lower() in shared:
            en = re.sub(re.escape(code), " ", en, flags=re.IGNORECASE)
            text = re.sub(re.escape(code), " ", text, flags=re.IGNORECASE)
        elif code in in_text and re.match(r"[A-Za-z.-]*", code).group(0).lower() not in prefixes:
            text = text.replace(code, " ")
    return en, text


def _close(values: frozenset[float] | set[float], others: set[float]) -> bool:
    return any(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for a in values for b in others)


@register
class NumbersCheck(Check):
    name = "numbers"
    reason = N_("a number of the English is missing or changed, or the translation has one the English lacks")

    def find(self, en: str, text: str, lang: str) -> list[str]:
        en, text = _without_codes(en, text)
        required, named = numbers.english(en)
        found = numbers.translation(text, lang)
        present = set().union(*(n.values for n in found)) | numbers.spelled(text, lang)
        details = [f"{n.text} is not in the translation" for n in required if not _close(n.values, present)]
        mentioned = named | {v for n in required for v in n.values}
        details += [f"{n.text} is not in the English" for n in found
                    if numbers.strong(n) and not _close(n.values, mentioned)]
        return details


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9'’.%-]*(?:[ ,()/:;]+[A-Za-z0-9'’.%()-]+)*")
"""A stretch of Latin script, with the digits, brackets and codes running English carries."""


@register
class UntranslatedCheck(Check):
    name = "untranslated"
    reason = N_("English left in the translation (names, acronyms and terms that stay in Latin script are fine)")

    SHARE = 0.15
    """Words of running English (not capitalized in the English) copied from it, as a share of its words, that
    are English left behind even without two small words in a row."""

    def find(self, en: str, text: str, lang: str) -> list[str]:
        if lang == "en":
            return []
        en, text = _URLS.sub(" ", en), _URLS.sub(" ", text)
        source = _words(en)
        grams = {tuple(source[i:i + n]) for n in (2, 3, 4) for i in range(len(source) - n + 1)}
        details, copied = [], []
        for match in _LATIN_RUN.finditer(text):
            if _glossed(text, match):
                continue
            words = _words(match.group(0))
            # The longest stretch of this run that is the English word for word (2-4 word pieces chain up).
            best, start = [], 0
            while start < len(words) - 1:
                end = start + 1
                while end < len(words) and tuple(words[max(start, end - 3):end + 1]) in grams:
                    end += 1
                if end - start > len(best):
                    best = words[start:end]
                start = max(end - 1, start + 1)
            if len(best) < 2:
                continue
            # Terms and names stay in Latin script in professional translations ("extracorporeal membrane
            # oxygenation", "Pacific Northwest"); English left behind is running text, with its small words,
            # or a large part of the sentence.
            if len(best) >= 3 and sum(w in _FUNCTION_WORDS for w in best) >= 2:
                details.append(f"“{' '.join(best)}” is English")
            else:
                copied.append(best)
        small = [w for run in copied for w in run if not _capitalized(w, en)]
        if copied and len(small) >= 2 and len(small) >= self.SHARE * len(source):
            details.append(f"“{' … '.join(' '.join(run) for run in copied)}” is English")
        return details


def _glossed(text: str, match: re.Match) -> bool:
    """A term the translator kept, or glossed, in English: in brackets after its translation ("… (steroid
    refractory cytokine)"), or followed by its acronym ("extracorporeal membrane oxygenation (ECMO)")."""
    before, after = text[:match.start()].rstrip(), text[match.end():].lstrip()
    inside = before.endswith(("(", "（")) and after.startswith((")", "）"))
    return inside or re.match(r"[(（]\s*[A-Z][A-Za-z0-9-]*[A-Z]\s*[)）]", after) is not None or \
        re.search(r"[A-Z]{2,}[A-Za-z0-9-]*\)$", match.group(0).strip()) is not None


_URLS = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+")


def _words(text: str) -> list[str]:
    return [w.strip("'’.-").lower() for w in re.findall(r"[A-Za-z][A-Za-z'’.-]*", text)]


def _capitalized(word: str, en: str) -> bool:
    """Whether the English writes ``word`` (lowercased here) with a capital: a name or a term, not running text."""
    return re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![a-z])", en) is None


_FUNCTION_WORDS = frozenset(
    "the a an and or but nor to in on at by for with from into about over after before of off out up down is are "
    "was were be been being am has have had will would shall should can could may might must do does did not no "
    "that this these those it its he she they we you i his her their our your my him them us which who whom whose "
    "what when where why how there here than then so if as because while though although also very just only "
    "such other some all any more most each both between against during without within through among "
    "including around under".split())


@register
class RepetitionCheck(Check):
    name = "repetition"
    reason = N_("a phrase repeated in a loop that the English does not repeat")

    _PHRASE = re.compile(r"(\S{2,12}?)(?:[\s,，、]{0,2}\1){2,}")  # \S: Khmer's vowel signs are no \w
    _CHARACTER = re.compile(r"(\S)\1{3,}")

    def find(self, en: str, text: str, lang: str) -> list[str]:
        if self._PHRASE.search(en.lower()) or re.search(r"\b(\w+)\b(?:\W+\1\b){2,}", en, re.IGNORECASE):
            return []
        details = []
        for pattern in (self._PHRASE, self._CHARACTER):
            for match in pattern.finditer(text):
                unit = match.group(1)
                if not any(c.isalpha() for c in unit):
                    continue  # 1,000,000 and ——— are not loops
                details.append(f"“{unit}” repeated {len(match.group(0)) // len(unit)} times")
        return details[:1]


_ENDS = {"zh": "。？！?!…．.", "zt": "。？！?!…．.", "km": "។៕?!.…"}
_CLOSERS = "\"'“”‘’»）)]】》」』 \u200b\ufeff"


@register
class OmissionCheck(Check):
    name = "omission"
    reason = N_("the translation is far too short for its English, or stops mid-sentence")

    RATIO = {"zh": 0.17, "zt": 0.17, "km": 0.44}
    """Letters of the translation per letter of the English (20 or more) below which part of the source is
    lost: the 0.3rd percentile of 1,971 professional translations of TICO-19 (docs/checks.md)."""
    _UNFINISHED = {
        # A sentence does not end on "and", "or", "of", "with", "that"…: where a translation does, it was cut.
        "zh": ("和", "与", "及", "或", "把", "被", "从", "向", "对", "将", "并", "以及", "因为", "如果", "虽然", "但是",
               "而且", "或者", "关于", "通过", "由于", "根据"),
        "km": ("និង", "ឬ", "នៃ", "របស់", "ដែល", "ពី", "ជាមួយ", "សម្រាប់", "ដោយ", "នូវ", "ថា", "ក្នុង", "លើ", "ដល់",
               "ប៉ុន្តែ", "ប្រសិនបើ", "ព្រោះ", "ដើម្បី", "\u17d2"),  # and U+17D2 (coeng): half a cluster
    }

    def find(self, en: str, text: str, lang: str) -> list[str]:
        details = []
        letters_en = len(re.sub(r"[\W_]", "", en))
        letters = len(re.sub(r"[\W_]", "", text))
        ratio = self.RATIO.get(lang.split("-")[0])
        if ratio and letters_en >= 20 and letters < ratio * letters_en:
            details.append(f"{letters} letters for {letters_en} of English")
        end = text.rstrip(_CLOSERS)
        if re.search(r"[,，、:：;；(（—-]$", end) and not re.search(r"[,:;(—-]\s*$", en) or \
                end.endswith(self._UNFINISHED.get(lang, ())):
            details.append("it stops mid-sentence")
        return details


@register
class PunctuationCheck(Check):
    name = "punctuation"
    reason = N_("unbalanced quotes or brackets, a lost question mark, or no full stop where the English has one")

    _PAIRS = (("(", ")"), ("[", "]"), ("《", "》"), ("「", "」"))
    _WIDE = str.maketrans("（）［］", "()[]")

    def find(self, en: str, text: str, lang: str) -> list[str]:
        details = []
        wide = text.translate(self._WIDE)
        for opening, closing in self._PAIRS:
            if en.count(opening) == en.count(closing) and wide.count(opening) != wide.count(closing):
                details.append(f"{opening} {closing} do not pair up")
        # Straight and curly double quotes are one kind: translators mix them, and a quote opened with “ and
        # closed with " is closed all the same.
        if sum(map(en.count, '"“”')) % 2 == 0 and sum(map(wide.count, '"“”')) % 2:
            details.append("a quotation mark does not pair up")
        if en.rstrip(_CLOSERS).endswith("?") and not re.search(r"[?？]", text):
            details.append("the question mark is lost")
        ends = _ENDS.get(lang)
        if ends and re.search(r"[.!?]$", en.rstrip(_CLOSERS)) and not text.rstrip(_CLOSERS).endswith(tuple(ends)):
            details.append("no full stop at the end")
        return details


@register
class PreservedCheck(Check):
    name = "preserved"
    reason = N_("a URL, e-mail address or @handle not copied exactly, or the hashtags lost")

    _TOKENS = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|(?<![\w@])@\w+")
    _HASHTAG = re.compile(r"(?<![\w#&])#[A-Za-z]\w*")

    def find(self, en: str, text: str, lang: str) -> list[str]:
        missing = [token for token in (t.rstrip(".,;:!?)]”’\"'") for t in self._TOKENS.findall(en))
                   if token and token not in text]
        # A hashtag may be the campaign's own in the other language (#ហាមជនជាតិចិន…): one of some kind is enough.
        if not re.search(r"(?<![\w#&])#\w", text):
            missing += [tag for tag in self._HASHTAG.findall(en) if tag not in text]
        return [f"{token} is not in the translation" for token in missing]
