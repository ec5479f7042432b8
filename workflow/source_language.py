"""Is a story English? Briefdesk translates from English only: a Khmer story taken for English comes out as
nonsense that an editor must first recognize. Checked offline for every story on its way into the store.

Two steps, each sure of what it refuses:

* **script**: when most letters are of another script (Khmer, Han, Thai…), the story is not English, however
  short it is;
* **language**: a Latin-script story long enough to tell is identified with py3langid (BSD-licensed, its model
  ships inside the package: no download); it is refused only when the model is all but certain it is another
  language. Short or mixed texts get the benefit of the doubt.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

OTHER_SCRIPT_SHARE = 0.5
"""A story whose letters are mostly of one other script is not English (an English story quoting a Khmer name
or a Chinese slogan stays below; a Khmer story naming "ASEAN" or "Hun Sen" in Latin letters stays above)."""
MIN_LETTERS = 200
"""Below this many letters py3langid is not asked: a headline or two sentences are too little to tell."""
CERTAIN = 0.999
"""How sure py3langid must be of another language (English stories in the bundled corpus score 0.99+ English)."""
SAMPLE = 5_000
"""Characters looked at: the start of a story says its language as well as all of it."""

_SCRIPTS = {"KHMER": "Khmer", "CJK": "Chinese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese",
            "HANGUL": "Korean", "THAI": "Thai", "LAO": "Lao", "MYANMAR": "Burmese", "CYRILLIC": "Russian or another "
            "Cyrillic-script language", "ARABIC": "Arabic", "DEVANAGARI": "Hindi or another Devanagari-script "
            "language", "HEBREW": "Hebrew", "GREEK": "Greek", "BENGALI": "Bengali", "TAMIL": "Tamil"}
_LANGUAGES = {"fr": "French", "es": "Spanish", "de": "German", "pt": "Portuguese", "it": "Italian", "nl": "Dutch",
              "vi": "Vietnamese", "id": "Indonesian", "ms": "Malay", "tl": "Tagalog", "sv": "Swedish",
              "da": "Danish", "no": "Norwegian", "pl": "Polish", "tr": "Turkish", "ro": "Romanian", "cs": "Czech",
              "hu": "Hungarian", "fi": "Finnish", "ca": "Catalan", "la": "Latin"}


def problem(title: str, text: str) -> str | None:
    """Why this story is not taken as English, in words for the person who sent it; None when it is English
    (or too short to tell)."""
    sample = f"{title}\n{text}"[:SAMPLE]
    others: dict[str, int] = {}
    letters = 0
    for char in sample:
        if char.isascii():  # (most of an English story: no Unicode name to look up)
            letters += char.isalpha()
        elif char.isalpha() or unicodedata.category(char).startswith("M"):  # Khmer's vowel signs are marks
            letters += 1
            script = unicodedata.name(char, "").split(" ", 1)[0]
            if script not in ("LATIN", "COMBINING"):  # (a combining accent is part of the letter before it)
                others[script] = others.get(script, 0) + 1
    if not letters:
        return None
    script, count = max(others.items(), key=lambda item: item[1], default=("", 0))
    if count / letters >= OTHER_SCRIPT_SHARE:
        name = _SCRIPTS.get(script, f"{script.title()} script")
        return f"the story is in {name}, not English ({100 * count // letters}% of its letters): Briefdesk " \
               "translates from English; add the English original"
    if letters < MIN_LETTERS:
        return None
    lang, confidence = _identifier().classify(sample)
    # ("zxx", no linguistic content, is what tables of figures and lists of codes get: not refused)
    if lang not in ("en", "zxx") and confidence >= CERTAIN:
        return f"the story is in {_LANGUAGES.get(lang, repr(lang))}, not English (py3langid, {confidence:.1%} " \
               "sure): Briefdesk translates from English; add the English original"
    return None


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
