# usage: python3 kmgrep.py <khmer-substring> [width]  -> doc id + context (invisible chars removed)
import re
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from kmcheck import INVIS, km_key, load_pairs

q = sys.argv[1]
w = int(sys.argv[2]) if len(sys.argv) > 2 else 50
qk, _ = km_key(q)
for i, _en, km in load_pairs():
    key, idx = km_key(km)
    p = key.find(qk)
    while p >= 0:
        a = idx[p]
        print(i, "|", re.sub(r"\s+", " ", km[max(0, a - w):a + w].translate(INVIS)))
        p = key.find(qk, p + 1)
