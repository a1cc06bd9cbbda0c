"""Research-only: off-the-shelf n-gram learners on the kirikae router corpus.

Outer: 5-fold GroupKFold(shuffle=True, random_state=SEED) grouped by `source`.
Inner (hyperparameters + decision margin): 3-fold GroupKFold(shuffle, random_state=SEED+100)
inside each outer training fold only. TF-IDF vocab/idf are fitted on the relevant training
part only (inner-train for inner scoring, outer-train for outer scoring).

Usage: python3 scripts/research/ngram-ceiling-exp.py SEED FEATS OUT.pkl      FEATS in {cww, cw, cwws}
  cw   = TF-IDF char_wb 1-5 (sublinear, min_df=2) on all text
  cww  = cw + TF-IDF word 1-2 (sublinear, min_df=2) on English text only
  cwws = cww + 6 dense structural features (length, lines, code fences, backticks, ja, symbols)
Models give P(tier t acceptable); decision rules: argmax, lean margin (acc / lean@64 / lean@75),
tier-3 threshold (thr@64 / thr@75: most accurate tau with inner local recall >= target),
setmax (cheapest tier of the most probable acceptable set). Run with OMP_NUM_THREADS=1.
Analysis: ngram-ceiling-analyze.py (the table). Needs Python 3 with scikit-learn, numpy and scipy
(Debian: apt install python3-sklearn). Not part of the test suite; results: docs/router.md,
"Another learner, the same ceiling".
"""
import json, os, sys, time, pickle, warnings
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import GroupKFold

warnings.filterwarnings("ignore")
SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 1
FEATS = sys.argv[2] if len(sys.argv) > 2 else "cww"
OUT = sys.argv[3] if len(sys.argv) > 3 else f"/tmp/kirikae-skl/res_{FEATS}_{SEED}.pkl"

rows = [json.loads(l) for l in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "router", "corpus.jsonl"))]
N = len(rows)
texts = [r["text"] for r in rows]
lang = np.array([r["lang"] for r in rows])
groups = np.array([r["source"] for r in rows])
acc_sets = [tuple(r["acceptableTiers"]) for r in rows]
SETS = sorted(set(acc_sets))
yset = np.array([SETS.index(s) for s in acc_sets])
A = np.zeros((N, 5), bool)  # A[i, t] = tier t acceptable
for i, s in enumerate(acc_sets):
    for t in s:
        A[i, t] = True
cheapest = np.array([s[0] for s in acc_sets])  # labels are written cheapest first
fine_lab = [f"{r['taskType']}|{tuple(r['acceptableTiers'])}" for r in rows]
FINE = sorted(set(fine_lab))
yfine = np.array([FINE.index(f) for f in fine_lab])
FINE_SET = np.zeros(len(FINE), int)
for i in range(N):
    FINE_SET[yfine[i]] = yset[i]

COST = {3: 0, 4: 1, 2: 2, 1: 3, 0: 4}  # cheapest first
BY_COST = [3, 4, 2, 1, 0]
MARGINS = [0.0, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]
TAUS = list(np.round(np.arange(0.05, 0.951, 0.025), 3))
ACC_MARGINS = [m for m in MARGINS if m <= 0.3]


def featurize(tr, te):
    cv = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True, min_df=2)
    Xtr = [cv.fit_transform([texts[i] for i in tr])]
    Xte = [cv.transform([texts[i] for i in te])]
    if FEATS in ("cww", "cwws"):
        wv = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                             token_pattern=r"[A-Za-z_][A-Za-z0-9_.\-']*|\d+")
        en = lambda idx: [texts[i] if lang[i] == "en" else "" for i in idx]
        Xtr.append(wv.fit_transform(en(tr)))
        Xte.append(wv.transform(en(te)))
    if FEATS == "cwws":
        Xtr.append(sp.csr_matrix(struct(tr)))
        Xte.append(sp.csr_matrix(struct(te)))
    return sp.hstack(Xtr).tocsr(), sp.hstack(Xte).tocsr()


def struct(idx):
    """A few dense structural features, roughly unit scale."""
    out = []
    for i in idx:
        t = texts[i]
        out.append([np.log1p(len(t)) / 8, np.log1p(t.count("\n")) / 4, float("```" in t),
                    np.log1p(t.count("`")) / 4, float(lang[i] == "ja"),
                    np.log1p(sum(c in "{}();=<>[]" for c in t)) / 6])
    return np.array(out)


def set_to_tier(P):  # P over SETS -> P(tier acceptable)
    out = np.zeros((P.shape[0], 5))
    for k, s in enumerate(SETS):
        for t in s:
            out[:, t] += P[:, k]
    return out


def full_cols(model, P, ncls):
    out = np.zeros((P.shape[0], ncls))
    out[:, model.classes_] = P
    return out


# each model: fit on (X, idx) and return P(tier acceptable) (n x 5) on Xte.
def m_lr_set(Xtr, tr, Xte, C):
    m = LogisticRegression(C=C, solver="newton-cg", max_iter=200).fit(Xtr, yset[tr])
    Ps = full_cols(m, m.predict_proba(Xte), len(SETS))
    return set_to_tier(Ps), Ps


def m_lr_fine(Xtr, tr, Xte, C):  # taskType x set classes, marginalised to sets
    m = LogisticRegression(C=C, solver="newton-cg", max_iter=200).fit(Xtr, yfine[tr])
    Pf = full_cols(m, m.predict_proba(Xte), len(FINE))
    Ps = np.zeros((Pf.shape[0], len(SETS)))
    for f in range(len(FINE)):
        Ps[:, FINE_SET[f]] += Pf[:, f]
    return set_to_tier(Ps), Ps


def m_lr_cheapest(Xtr, tr, Xte, C):  # multinomial on the cheapest acceptable tier
    m = LogisticRegression(C=C, solver="newton-cg", max_iter=200).fit(Xtr, cheapest[tr])
    P = full_cols(m, m.predict_proba(Xte), 5)
    # P(t acceptable) is not identified; use P(cheapest==t) + P(cheapest is cheaper-adjacent);
    # decisions for this model use argmax only (margin grid still searched but rarely helps).
    return P, None


def m_lr_tier(Xtr, tr, Xte, C):
    out = np.zeros((Xte.shape[0], 5))
    for t in range(5):
        m = LogisticRegression(C=C, solver="liblinear").fit(Xtr, A[tr, t])
        out[:, t] = m.predict_proba(Xte)[:, 1]
    return out, None


def m_svm_set(Xtr, tr, Xte, C):
    m = CalibratedClassifierCV(LinearSVC(C=C), cv=3, method="sigmoid").fit(Xtr, yset[tr])
    Ps = full_cols(m, m.predict_proba(Xte), len(SETS))
    return set_to_tier(Ps), Ps


def m_svm_tier(Xtr, tr, Xte, C):
    out = np.zeros((Xte.shape[0], 5))
    for t in range(5):
        m = CalibratedClassifierCV(LinearSVC(C=C), cv=3, method="sigmoid").fit(Xtr, A[tr, t])
        out[:, t] = m.predict_proba(Xte)[:, 1]
    return out, None


MODELS = {
    "lr_cheapest": (m_lr_cheapest, [3, 10, 30, 100]),
    "lr_set": (m_lr_set, [3, 10, 30, 100]),
    "lr_fine": (m_lr_fine, [30]),  # fixed C (cost)
    "lr_tier": (m_lr_tier, [3, 10, 30, 100]),
    "svm_set": (m_svm_set, [0.03, 0.1, 0.3, 1.0]),
    "svm_tier": (m_svm_tier, [0.03, 0.1, 0.3, 1.0]),
}
ENS = ["lr_set", "lr_tier", "svm_set", "svm_tier", "lr_fine"]


def decide(P, margin):
    best = P.max(1, keepdims=True)
    ok = P >= best - margin - 1e-12
    ch = np.empty(P.shape[0], int)
    for i in range(P.shape[0]):
        for t in BY_COST:
            if ok[i, t]:
                ch[i] = t
                break
    return ch


def decide_thr(P, tau):
    """Tier 3 when P(tier 3 acceptable) >= tau, else the most probably acceptable tier."""
    ch = decide(P, 0.0)
    ch[P[:, 3] >= tau] = 3
    return ch


def pick_rule(P, idx, kind, target):
    """Most accurate margin (kind 'lean') or tau (kind 'thr') with inner local recall >= target."""
    grid = MARGINS if kind == "lean" else TAUS
    f = decide if kind == "lean" else decide_thr
    res = [(g,) + scores(f(P, g), idx) for g in grid]
    okm = [r for r in res if r[2] >= target]
    if okm:
        return max(okm, key=lambda r: (r[1], -r[0] if kind == "lean" else r[0]))[0]
    return max(res, key=lambda r: (r[2], r[1]))[0]


def apply_rules(P_in, tr, P_te, te, k, chosen, hp_log, fo, C):
    for rule in ["argmax", "acc", "lean@64", "lean@75", "thr@64", "thr@75"]:
        if rule == "argmax":
            g, f = 0.0, decide
        elif rule == "acc":
            res = [(m, scores(decide(P_in, m), tr)[0]) for m in ACC_MARGINS]
            g, f = max(res, key=lambda r: (r[1], -r[0]))[0], decide
        else:
            kind, tgt = rule.split("@")
            g = pick_rule(P_in, tr, kind, int(tgt) / 100)
            f = decide if kind == "lean" else decide_thr
        chosen.setdefault((k, rule), np.zeros(N, int))[te] = f(P_te, g)
        hp_log.append((fo, k, rule, C, g))


def scores(ch, idx):
    correct = A[idx, ch]
    loc = cheapest[idx] == 3
    return correct.mean(), (ch[loc] == 3).mean() if loc.any() else np.nan


def main():
    t0 = time.time()
    outer = GroupKFold(n_splits=5, shuffle=True, random_state=SEED)
    fold_of = np.zeros(N, int)
    oofP = {k: np.zeros((N, 5)) for k in list(MODELS) + ["ens"]}
    chosen = {}  # (model, rule) -> chosen tiers
    hp_log = []
    for fo, (tr, te) in enumerate(outer.split(texts, groups=groups)):
        fold_of[te] = fo
        inner = GroupKFold(n_splits=3, shuffle=True, random_state=SEED + 100)
        inner_oof = {k: {C: np.zeros((len(tr), 5)) for C in Cs} for k, (_, Cs) in MODELS.items()}
        for itr, ite in inner.split(tr, groups=groups[tr]):
            Xa, Xb = featurize(tr[itr], tr[ite])
            for k, (fn, Cs) in MODELS.items():
                for C in Cs:
                    inner_oof[k][C][ite] = fn(Xa, tr[itr], Xb, C)[0]
        Xtr, Xte = featurize(tr, te)
        best_inner = {}
        for k, (fn, Cs) in MODELS.items():
            # choose C by best inner accuracy over (C, margin)
            def best_acc(P):
                return max(scores(decide(P, m), tr)[0] for m in ACC_MARGINS)
            C = max(Cs, key=lambda c: best_acc(inner_oof[k][c]))
            Pin = inner_oof[k][C]
            best_inner[k] = Pin
            oofP[k][te], Ps = fn(Xtr, tr, Xte, C)
            if Ps is not None:  # rule "setmax": cheapest tier of the most probable set
                chosen.setdefault((k, "setmax"), np.zeros(N, int))[te] = \
                    np.array([SETS[j][0] for j in Ps.argmax(1)])
            apply_rules(Pin, tr, oofP[k][te], te, k, chosen, hp_log, fo, C)
        Pin = np.mean([best_inner[k] for k in ENS], 0)
        oofP["ens"][te] = np.mean([oofP[k][te] for k in ENS], 0)
        apply_rules(Pin, tr, oofP["ens"][te], te, "ens", chosen, hp_log, fo, None)
        print(f"fold {fo} done {time.time()-t0:.0f}s", flush=True)
    os.makedirs(os.path.dirname(OUT) or ".", exist_ok=True)
    pickle.dump(dict(seed=SEED, feats=FEATS, fold_of=fold_of, oofP=oofP, chosen=chosen,
                     hp_log=hp_log), open(OUT, "wb"))
    print("total", time.time() - t0)


if __name__ == "__main__":
    main()
