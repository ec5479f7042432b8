"""Build starter-glossary.csv from terms.py + the VOA corpus.  Stdlib only, light on CPU.

usage: python3 build_glossary.py            (CORPUS env var overrides ../shared/corpus beside the project)
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kmcheck import en_count, en_pattern, km_find, load_en, load_pairs  # noqa: E402 - beside this script
from terms import T  # noqa: E402

HEADER = ["en", "en_variants", "km", "zh", "note", "forbidden_km", "forbidden_zh",
          "km_confirmed", "zh_confirmed", "en_count", "source_km", "source_zh"]

def khmer_evidence(t, paired, pairs, pair_by_id):
    """("yes" or "no", where the Khmer form was seen or why it is unconfirmed)."""
    probes = t["km_evidence"] + t["km"]
    km_ok, src = "no", ""
    # 1) automatic rule: Khmer form in the Khmer side of a pair whose English side names the term
    for i, k in paired:
        snip = next((s for s in (km_find(f, k, 80) for f in probes) if s), None)
        if snip:
            km_ok, src = "yes", f"{i}: {snip}"
            break
    # 2) hand-checked exception inside the corpus
    if km_ok == "no" and t["km_manual"]:
        did, why = t["km_manual"]
        snip = next((s for s in (km_find(f, pair_by_id[did][1], 80) for f in probes) if s), None)
        assert snip, "manual evidence not found for {}".format(t["en"])
        return "yes", f"{did}: {snip} [manual: {why}]"
    if km_ok == "yes" and t["km_manual"]:
        return km_ok, src + " [see also {}: {}]".format(*t["km_manual"])
    if km_ok == "yes":
        return km_ok, src
    # 3) not confirmable from the corpus
    anywhere = [(i, km_find(f, k, 80)) for i, e, k in pairs for f in t["km"] if km_find(f, k)]
    if t["km_external"]:
        return km_ok, "unconfirmed in corpus; " + t["km_external"]
    if anywhere:
        return km_ok, ("unconfirmed (only in a Khmer doc whose English side does not name it): "
                       "{}: {}".format(*anywhere[0]))
    return km_ok, "unconfirmed (paired Khmer docs checked: %s)" % (", ".join(i for i, _ in paired) or "none")


def main():
    en_docs, pairs = load_en(), load_pairs()
    pair_by_id = {i: (e, k) for i, e, k in pairs}
    rows, report = [], []
    for t in T:
        pat = en_pattern([t["en"]] + t["en_variants"])
        n = en_count(pat, en_docs)
        assert n > 0, "English term not in the stories: {}".format(t["en"])
        paired = [(i, k) for i, e, k in pairs if pat.search(e)]
        km_ok, src = khmer_evidence(t, paired, pairs, pair_by_id)
        n_pairs_hit = sum(1 for i, k in paired if any(km_find(f, k) for f in t["km"]))
        zh_ok = "yes" if (t["zh"] and t["zh_src"]) else "no"
        rows.append({
            "en": t["en"], "en_variants": "|".join(t["en_variants"]), "km": t["km"][0], "zh": t["zh"],
            "note": t["note"], "forbidden_km": "|".join(t["forbidden_km"]),
            "forbidden_zh": "|".join(t["forbidden_zh"]), "km_confirmed": km_ok, "zh_confirmed": zh_ok,
            "en_count": n, "source_km": src, "source_zh": t["zh_src"] if zh_ok == "yes" else "unconfirmed"})
        report.append({"en": t["en"], "en_count": n, "paired_docs": len(paired),
                       "paired_docs_with_km": n_pairs_hit, "km_confirmed": km_ok, "zh_confirmed": zh_ok})
    out = os.path.join(HERE, "..", "starter-glossary.csv")
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER, quoting=csv.QUOTE_MINIMAL)
        w.writeheader()
        w.writerows(rows)
    # "_": a file that `briefdesk run corpus/` never reads as an article
    with open(os.path.join(HERE, "_build-report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    kmy = sum(r["km_confirmed"] == "yes" for r in rows)
    zhy = sum(r["zh_confirmed"] == "yes" for r in rows)
    print(f"entries={len(rows)} km_confirmed={kmy} zh_confirmed={zhy} -> {out}")

if __name__ == "__main__":
    main()
