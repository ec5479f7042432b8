"""Helpers: English counting and Khmer lookup over the VOA corpus (stdlib only)."""
import json
import os
import re

# ../shared/corpus beside the project (the developers' shared data), unless CORPUS says otherwise.
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("CORPUS", os.path.join(HERE, "..", "..", "..", "..", "shared", "corpus"))
INVIS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2063\ufeff"), None)

def norm_en(s):
    return s.replace("\u2019", "'").replace("\u2018", "'")

def load_en():
    docs = []
    with open(os.path.join(CORPUS, "voa-cambodia-2018.en.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append((d["id"], norm_en(d["title"] + "\n" + d["text"])))
    with open(os.path.join(CORPUS, "hor-namhong-china-visit.en.txt"), encoding="utf-8") as f:
        docs.append(("hor-namhong-china-visit", norm_en(f.read())))
    return docs

def load_pairs():
    out = []
    with open(os.path.join(CORPUS, "voa-cambodia-2018.en-km.docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            en = norm_en("\n".join(x or "" for x in (d["en_title"], d["en_summary"], d["en_text"])))
            km = "\n".join(x or "" for x in (d["km_title"], d["km_summary"], d["km_text"]))
            out.append((d["id"], en, km))
    return out

# context rules so that a form is not counted inside another entity's name
BEFORE = {"Sihanouk": r"(?<!Preah )", "Chhay": r"(?<!Bun )", "Cambodia": r"(?<!Bank of )"}
AFTER = {"Sam Rainsy": r"(?! Party)", "Rainsy": r"(?! Party)", "China": r"(?! Sea)",
         "Cambodia": r"(?! National Rescue)"}

def en_pattern(forms):
    forms = sorted({norm_en(f) for f in forms}, key=len, reverse=True)
    parts = [BEFORE.get(f, "") + r"(?<![\w])" + re.escape(f) + r"(?![\w])" + AFTER.get(f, "")
             for f in forms]
    return re.compile("|".join(parts))

def en_count(pat, docs):
    return sum(len(pat.findall(t)) for _, t in docs)

def km_key(s):
    """Matching key for Khmer: drop invisible chars and all whitespace,
    unify coeng-DA/coeng-TA and the two orders of coeng-RO + coeng-TA.
    Returns (key, index map into the original string)."""
    out, idx = [], []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch in "\u200b\u200c\u200d\u2063\ufeff" or ch.isspace():
            i += 1
            continue
        out.append(ch)
        idx.append(i)
        i += 1
    key = "".join(out)
    # same-length replacements keep the index map valid
    key = key.replace("\u17d2\u178a", "\u17d2\u178f")          # coeng DA -> coeng TA
    key = key.replace("\u17d2\u179a\u17d2\u178f", "\u17d2\u178f\u17d2\u179a")  # ្រ្ត -> ្ត្រ
    return key, idx

def _is_mark(ch):
    """Khmer dependent vowel, sign or coeng: cannot start a new syllable."""
    o = ord(ch)
    return 0x17B6 <= o <= 0x17D3 or o == 0x17DD

def _hits(fkey, key):
    """Start offsets of fkey in key that respect Khmer syllable boundaries
    (the hit must not start inside a cluster nor stop before a dependent sign)."""
    p = key.find(fkey)
    while p >= 0:
        end = p + len(fkey)
        ok_start = p == 0 or key[p - 1] != "\u17d2"
        ok_end = end >= len(key) or not _is_mark(key[end])
        if ok_start and ok_end:
            yield p
        p = key.find(fkey, p + 1)

def km_find(form, km_text, width=80):
    """Return a <=width-char snippet (invisible chars removed) around the first hit, or None."""
    key, idx = km_key(km_text)
    fkey, _ = km_key(form)
    p = next(_hits(fkey, key), -1)
    if p < 0:
        return None
    a, b = idx[p], idx[p + len(fkey) - 1] + 1
    def clean(x):
        return re.sub(r"\s+", " ", x.translate(INVIS))
    hit = clean(km_text[a:b])
    room = max(0, width - len(hit))
    left = clean(km_text[max(0, a - 60):a])[-(room // 2):] if room // 2 else ""
    right = clean(km_text[b:b + 60])[:room - len(left)]
    return (left + hit + right).strip()

def km_count(form, km_text):
    key, _ = km_key(km_text)
    fkey, _ = km_key(form)
    return sum(1 for _ in _hits(fkey, key))
