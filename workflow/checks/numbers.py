"""Numbers, read in English, Chinese and Khmer as values, so that 1.2 million = 120万 = 1,2 លាន, 15 percent =
百分之十五 = 15%, three = 3 = 三 = បី, and 2019 = 2019年 = ២០១៩.

Written forms are ambiguous (is "1.000" one or a thousand?), so a number found in a translation has every value
its form can mean; a number matches when one of them is one of the English values. English words that name a
number without being one ("three", "first", "March", "the 1990s") explain a translation's number but are not
required in it: translators write "the first case" as 首例 and "March" as មីនា.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_SCALES_EN = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9,
              "tn": 1e12, "m": 1e6}
_WORDS_EN = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
             "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
             "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
             "hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9, "half": 0.5, "twice": 2,
             "double": 2, "triple": 3, "single": 1, "once": 1, "both": 2, "couple": 2, "pair": 2, "quarter": 0.25,
             "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "twentieth": 20, "hundredth": 100, "century": 100,
             "decade": 10, "week": 7, "weekly": 7, "daily": 24, "hour": 60, "minute": 60,
             "annual": 12, "monthly": 12, "fortnight": 14, "noon": 12, "midnight": 0, "a": 1, "an": 1,
             "decades": 10, "dozens": 12, "hundreds": 100, "thousands": 1000, "millions": 1e6, "billions": 1e9,
             "trillion": 1e12, "weeks": 7, "hours": 60, "minutes": 60, "centuries": 100}
_MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december"]
_MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                        "oct": 10, "nov": 11, "dec": 12}
_NUMBER_EN = re.compile(r"(?<!\d[.,])(?<!\d)(\d{1,3}(?:,\d{3})+|\d+|(?<![\w.])(?=\.\d))(\.\d+)?"
                        r"(?:(st|nd|rd|th|s)\b)?(?:\s*(%|percent\b|per cent\b)|\+?\s*-?\s*"
                        r"(hundred|thousand|million|billion|trillion|bn|tn|m)\b)?", re.IGNORECASE)
_RANGE_SCALE = re.compile(r"\s*(?:to|and|or|-|–|—)\s*[\d.,]+\s*(hundred|thousand|million|billion|trillion)\b",
                          re.IGNORECASE)
_SHORT_YEAR = re.compile(r"\b((?:1[89]|20)\d\d)\s*[–-]\s*(\d\d)\b")
_IDIOMS = re.compile(r"\b24/7\b|\b9/11\b")
"""Numbers that are words: "around the clock" (全天候) has no 24 in it."""
_WORD_EN = re.compile(r"[a-z]+", re.IGNORECASE)
_COMPOUND = re.compile(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]"
                       r"(one|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE)

_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")  # "，" is a comma between numbers
_DIGITS = re.compile(r"\d+(?:[.,] ?\d{3}(?!\d)|[.,]\d+)*|(?<![\w.])\.\d+")
"""Digits with their separators (also "58, 000", as Khmer is often typed), or a decimal without its 0 (.08)."""
_SCALES_ZH = {"十": 10, "百": 100, "千": 1000, "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
_NUMERALS_ZH = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                "八": 8, "九": 9}
_CHINESE = re.compile(r"[零〇一二两兩三四五六七八九十百千万萬亿億]+(?:点[零〇一二三四五六七八九]+)?")
_SCALE_AFTER_ZH = re.compile(r"\s?(?:多|余)?([十百千万萬亿億]+)")
_SCALES_KM = {"រយ": 1e2, "ពាន់": 1e3, "ម៉ឺន": 1e4, "សែន": 1e5, "លាន": 1e6, "ប៊ីលាន": 1e9, "កោដិ": 1e7}
_SCALE_AFTER_KM = re.compile(r"\s?(?:ជាង\s?)?(ប៊ីលាន|ពាន់|ម៉ឺន|សែន|លាន|រយ|កោដិ)")
_WORDS_KM = {"សូន្យ": 0, "មួយ": 1, "ពីរ": 2, "បី": 3, "បួន": 4, "ប្រាំ": 5, "ប្រាំមួយ": 6, "ប្រាំពីរ": 7,
             "ប្រាំបី": 8, "ប្រាំបួន": 9, "ដប់": 10, "ម្ភៃ": 20, "សាមសិប": 30, "សែសិប": 40, "ហាសិប": 50,
             "ហុកសិប": 60, "ចិតសិប": 70, "ប៉ែតសិប": 80, "កៅសិប": 90, "រយ": 100, "ពាន់": 1000, "ម៉ឺន": 1e4,
             "សែន": 1e5, "លាន": 1e6, "ពាក់កណ្តាល": 0.5, "ពាក់កណ្ដាល": 0.5}


@dataclass(frozen=True)
class Number:
    text: str
    """As written."""
    values: frozenset[float]
    """Every value the form can mean."""


@lru_cache(maxsize=4096)
def english(text: str) -> tuple[tuple[Number, ...], frozenset[float]]:
    """The numbers written with digits (each must be in a translation), and every value the English names in
    any way (what a translation's numbers may be). Cached: each English sentence is checked per language."""
    required, named = _english(text)
    return tuple(required), frozenset(named)


def _english(text: str) -> tuple[list[Number], set[float]]:
    required: list[Number] = []
    named: set[float] = set()
    text = _IDIOMS.sub(" ", text)
    for start, end in _SHORT_YEAR.findall(text):  # 2010–11: 2011
        named.add(float(start[:2] + end))
    for match in _NUMBER_EN.finditer(text):
        found = _english_digits(text, match)
        if found is not None:
            number, written = found
            required.append(number)
            named |= number.values | _related(written, text[match.end():match.end() + 6])
    named |= _english_words(text)
    return required, named


def _english_digits(text: str, match: re.Match) -> tuple[Number, float] | None:
    """A number written with digits, with every value it may stand for in a translation, and its value as
    written."""
    digits, decimals, ordinal, percent, scale = match.groups()
    if not digits and not decimals:
        return None
    value = float((digits or "0").replace(",", "") + (decimals or ""))
    values = {value}
    scale = scale or (_RANGE_SCALE.match(text, match.end()) or [None, None])[1]  # "14 to 22 million"
    if scale:  # "1.5 million": 1500000, 150万, 1,5 លាន; or, as often, the digits with the word translated
        values.add(value * _SCALES_EN[scale.lower()])
    if (ordinal or "").lower() == "s" and value >= 1000:  # the 1990s: 90年代
        values.add(value % 100)
    short = _SHORT_YEAR.match(text, match.start())
    if short and match.start() == short.start(2):
        values.add(float(short.group(1)[:2] + short.group(2)))
    if re.match(r"\s*p\.?m\b", text[match.end():match.end() + 6], re.IGNORECASE) and value < 12:
        values.add(value + 12)  # 5 p.m.: 17点
    return Number(match.group(0).strip(), frozenset(values)), value


def _english_words(text: str) -> set[float]:
    """The values named in words: "five", "half a million", "twenty-five", months."""
    named: set[float] = set()
    words = [w.lower() for w in _WORD_EN.findall(text)]
    for at, word in enumerate(words):
        value = _WORDS_EN.get(word)
        if value is None:
            value = _MONTHS_EN.index(word) + 1 if word in _MONTHS_EN else _MONTH_ABBREVIATIONS.get(word)
            if value is not None:
                named.add(float(value))
            continue
        named.add(float(value))
        following = [w for w in words[at + 1:at + 3] if w not in ("a", "of")][:1]  # "half a million", "two decades"
        if following and following[0] in _WORDS_EN:
            named.add(float(value) * _WORDS_EN[following[0]])
    for tens, unit in _COMPOUND.findall(text):  # "twenty-five", "twenty four"
        named.add(float(_WORDS_EN[tens.lower()] + _WORDS_EN[unit.lower()]))
    return named


def translation(text: str, lang: str) -> list[Number]:
    """Every number in a translation: digits (also Khmer and full-width), with the scale after them (万, លាន),
    Chinese numerals, and Khmer number words; each with all the values its form can mean."""
    text = text.translate(_KHMER_DIGITS).translate(_FULL_WIDTH).replace("百分之", "%").replace("千分之", "‰")
    text = _IDIOMS.sub(" ", text)
    found: list[Number] = []
    for match in _DIGITS.finditer(text):
        values = set(_readings(match.group(0)))
        after = text[match.end():match.end() + 12]
        scale = _scale_after(after, lang)
        if scale:  # 5 亿 is 500 million, not 5
            values = {v * scale for v in values}
        found.append(Number(match.group(0), frozenset(values)))
    if lang.startswith("z"):
        for match in _CHINESE.finditer(text):
            if re.search(r"\d\s?$", text[max(0, match.start() - 2):match.start()]):
                continue  # the scale of the digits before it (120万), read with them
            value = chinese_value(match.group(0))
            if value is not None:
                found.append(Number(match.group(0), frozenset({value})))
    return found


def spelled(text: str, lang: str) -> set[float]:
    """Values a translation spells out in words (Khmer), looked up as a whole word would be: they may stand
    for an English number, never count as one the English lacks."""
    if lang != "km":
        return set()
    return {float(value) for word, value in _WORDS_KM.items() if word in text}


def strong(number: Number) -> bool:
    """A number written with digits, or Chinese numerals of two characters or more: what a translation may not
    add (a single 一 is as often "a" or "together" as a number)."""
    return any(c.isdigit() for c in number.text) or len(number.text) > 1 and not number.text.startswith("一") \
        and number.text not in _COMMON_ZH


_COMMON_ZH = {"十分", "万一", "一一", "千万", "百万", "三三两两", "一万", "十万", "两两", "七八", "十几", "几十"}


def chinese_value(numeral: str) -> float | None:
    """一千二百三十四 → 1234, 两万 → 20000, 二〇一九 → 2019, 三点五 → 3.5; None for what is not a number."""
    if "点" in numeral:
        whole, _, fraction = numeral.partition("点")
        integer = chinese_value(whole)
        digits = "".join(str(_NUMERALS_ZH[c]) for c in fraction if c in _NUMERALS_ZH)
        return None if integer is None or not digits else float(f"{int(integer)}.{digits}")
    if not any(c in _SCALES_ZH for c in numeral):  # read digit by digit: 二〇一九
        return float("".join(str(_NUMERALS_ZH[c]) for c in numeral))
    total, section, digit = 0.0, 0.0, None
    for char in numeral:
        if char in _NUMERALS_ZH:
            digit = _NUMERALS_ZH[char]
        elif _SCALES_ZH[char] >= 1e4:
            if not section and digit is None and total:  # 万亿: the scales multiply
                total *= _SCALES_ZH[char]
                continue
            section = (section + (digit or 0)) or 1
            total = (total + section) * _SCALES_ZH[char]
            section, digit = 0.0, None
        else:
            section += (1 if digit is None else digit) * _SCALES_ZH[char]
            digit = None
    return total + section + (digit or 0)


def _readings(form: str) -> list[float]:
    """"1,234" → 1234; "1.000" → 1.0 and 1000 (Khmer and many languages write a thousands dot); "1,5" → 1.5."""
    form = form.replace(" ", "")
    if form.startswith("."):
        return [float(form)]
    if not re.search(r"[.,]", form):
        return [float(form)]
    last = max(form.rfind("."), form.rfind(","))
    whole = re.sub(r"[.,]", "", form[:last])
    return [float(re.sub(r"[.,]", "", form)), float(f"{whole or 0}.{form[last + 1:]}")]


def _scale_after(after: str, lang: str) -> float | None:
    if lang.startswith("z"):
        match = _SCALE_AFTER_ZH.match(after)
        if match:
            scale = 1.0
            for char in match.group(1):
                scale *= _SCALES_ZH[char]
            return scale
    elif lang == "km":
        match = _SCALE_AFTER_KM.match(after)
        if match:  # ពាន់លាន: a thousand million
            scale = _SCALES_KM[match.group(1)]
            more = re.match(r"(ប៊ីលាន|លាន)", after[match.end():])
            return scale * _SCALES_KM[more.group(1)] if more else scale
    return None


def _related(value: float, after: str) -> set[float]:
    """What a translator may write for this number: a year in the Buddhist era (Khmer dates) or as its decade's
    two digits ("the 1990s": 90年代), a p.m. hour on the 24-hour clock, a percentage as a fraction."""
    related = {value * 100, value / 100}
    if 1000 <= value <= 2200 and value == int(value):
        related |= {value + 543, value + 544, value % 100, value // 100 + 1}
    if re.match(r"\s*p\.?m\b", after, re.IGNORECASE) and value < 12:
        related.add(value + 12)
    return related


