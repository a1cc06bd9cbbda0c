import glob, json, os, pickle, sys
import numpy as np
from collections import Counter

rows = [json.loads(l) for l in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "router", "corpus.jsonl"))]
N = len(rows)
lang = np.array([r["lang"] for r in rows])
tt = np.array([r["taskType"] for r in rows])
A = np.zeros((N, 5), bool)
for i, r in enumerate(rows):
    A[i, r["acceptableTiers"]] = True
cheapest = np.array([r["acceptableTiers"][0] for r in rows])
loc = cheapest == 3


def summ(ch, fold_of):
    c = A[np.arange(N), ch]
    folds = [c[fold_of == f].mean() for f in range(5)]
    return dict(acc=c.mean(), en=c[lang == "en"].mean(), ja=c[lang == "ja"].mean(),
                lr=(ch[loc] == 3).mean(), fsd=np.std(folds), fmin=min(folds), fmax=max(folds))


files = sorted(glob.glob(sys.argv[1] if len(sys.argv) > 1 else "/tmp/kirikae-skl/res_*.pkl"))
R = {f: pickle.load(open(f, "rb")) for f in files}
table = {}
for f, r in R.items():
    for (k, rule), ch in r["chosen"].items():
        table.setdefault((r["feats"], k, rule), {})[r["seed"]] = summ(ch, r["fold_of"])
print(f"{'feats':5} {'model':12} {'rule':7} | seed: acc  en   ja   LR  (fold sd) ...")
for key in sorted(table, key=lambda k: -np.mean([v["acc"] for v in table[k].values()])):
    s = " | ".join(f"s{sd}: {v['acc']*100:.1f} {v['en']*100:.1f} {v['ja']*100:.1f} {v['lr']*100:.0f} ({v['fsd']*100:.1f})"
                   for sd, v in sorted(table[key].items()))
    print(f"{key[0]:5} {key[1]:12} {key[2]:7} | {s}")

# margins chosen
for f, r in R.items():
    c = Counter((k, rule, C, mg) for fo, k, rule, C, mg in r["hp_log"])
    print(f, sorted(c.items())[:80])
