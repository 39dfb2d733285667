#!/usr/bin/env python3
"""Does the pair score predict the programme committee's panels? (EPSA 2019-2022)

Every paper of an EPSA conference is one attendee whose ``bio`` is its abstract
(with the title prepended, or not: ``--text``). Positive pairs are two papers the
committee put in the same panel; negatives are *all* other pairs (every pair is
scored, no sampling). The score of a pair is the engine's one pair score
(``touchpoints.core.plans.objective.pair_values``, equal to
``common_ground(vocab, a, b).score`` wherever the pair has common ground).

Per year the script reports papers, panels, positive pairs, and ROC-AUC (rank
formula, ties count 1/2) of

* the pair score;
* a TF-IDF cosine baseline on the same text, implemented here with numpy/scipy to
  match scikit-learn's ``TfidfVectorizer(stop_words="english")`` defaults: lowercase,
  tokens ``(?u)\\b\\w\\w+\\b``, English stop words, raw counts, smooth idf
  ``ln((1+n)/(1+df))+1``, l2 rows (scikit-learn is *not* needed);
* "strongest single shared term", ``max_t min(w_a,t, w_b,t)`` on the same TF-IDF rows
  (the README's second baseline, the one closest to common ground's max-of-one-topic);
* the cosine of the packaged MiniLM model's embeddings of the whole texts: not common
  ground (no shared point to explain), a reference for what document similarity reaches;

with the time to build topics and to score all pairs, and diagnostic lines: share of
positive and of negative pairs with score 0, share with nameable common ground, and
the AUC among pairs scoring > 0.

Data: ``epsa/`` under ``$TOUCHPOINTS_BENCH_DATA`` or ``<project root>/../shared/bench``
(see ``epsa/README.source.md``). Papers are the rows of ``epsaYYYY-abstracts.tsv``;
panels come from ``epsaYYYY-program.tsv`` (session_id x abstract_id). Both files are
read with ``quoting=QUOTE_NONE``: some program rows hold stray quotes and line breaks,
and their continuation lines (no numeric session id / known abstract id) are skipped.

Usage::

    python bench/epsa.py                          # 2019-2022, title + abstract
    python bench/epsa.py --text both --years 2019 2022

The English stop-word list below is scikit-learn's ``ENGLISH_STOP_WORDS``
(BSD-3-Clause, from the Glasgow IR group list), copied so the baseline needs no
scikit-learn.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy import sparse

import touchpoints as tp
from touchpoints.core.pair_score import MIN_SCORE
from touchpoints.core.plans.objective import pair_values

YEARS = (2019, 2020, 2021, 2022)

SKLEARN_ENGLISH_STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call can
    cannot cant co con could couldnt cry de describe detail do done down due during each eg
    eight either eleven else elsewhere empty enough etc even ever every everyone everything
    everywhere except few fifteen fifty fill find fire first five for former formerly forty
    found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in
    inc indeed interest into is it its itself keep last latter latterly least less ltd made many
    may me meanwhile might mill mine more moreover most mostly move much must my myself name
    namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere
    of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she
    should show side since sincere six sixty so some somehow someone something sometime
    sometimes somewhere still such system take ten than that the their them themselves then
    thence there thereafter thereby therefore therein thereupon these they thick thin third this
    those though three through throughout thru thus to together too top toward towards twelve
    twenty two un under until up upon us very via was we well were what whatever when whence
    whenever where whereafter whereas whereby wherein whereupon wherever whether which while
    whither who whoever whole whom whose why will with within without would yet you your yours
    yourself yourselves
    """.split()
)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def data_dir() -> Path:
    """The benchmark data folder, or exit with a message saying where it was looked for."""
    env = os.environ.get("TOUCHPOINTS_BENCH_DATA")
    root = Path(__file__).resolve().parents[1]
    folder = Path(env) if env else root.parent / "shared" / "bench"
    if not (folder / "epsa").is_dir():
        where = f"$TOUCHPOINTS_BENCH_DATA={env}" if env else str(folder)
        sys.exit(
            f"epsa.py: benchmark data not found: no epsa/ folder in {where}. "
            "Set TOUCHPOINTS_BENCH_DATA to the folder that holds epsa/."
        )
    return folder / "epsa"


def _tsv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_year(folder: Path, year: int) -> tuple[list[dict[str, str]], dict[str, set[str]]]:
    """Papers (abstracts rows) and, per paper id, the sessions it was presented in."""
    papers = _tsv(folder / f"epsa{year}-abstracts.tsv")
    known = {p["abstract_id"] for p in papers}
    sessions: dict[str, set[str]] = defaultdict(set)
    for row in _tsv(folder / f"epsa{year}-program.tsv"):
        session, paper = (row.get("session_id") or ""), (row.get("abstract_id") or "")
        if session.isdigit() and paper in known:
            sessions[paper].add(session)
    missing = known - set(sessions)
    if missing:
        print(f"  {year}: {len(missing)} papers without a panel (kept as negatives only)",
              file=sys.stderr)
    return papers, sessions


def text_of(paper: dict[str, str], with_title: bool) -> str:
    body = paper["abstract_text"].strip()
    title = paper["abstract_title"].strip()
    if with_title and title and title != "NA":
        # a sentence break, so the title's last word does not run into the abstract
        return f"{title.rstrip('.')}. {body}"
    return body


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC-AUC by the rank formula (Mann-Whitney U); ties get average ranks (count 1/2)."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=bool)
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    first = np.ones(len(scores), dtype=bool)
    first[1:] = sorted_scores[1:] != sorted_scores[:-1]
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], len(scores))
    average = (starts + ends + 1) / 2.0  # mean of 1-based ranks start+1 .. end
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.repeat(average, ends - starts)
    u = ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def tfidf(texts: list[str]) -> sparse.csr_matrix:
    """TfidfVectorizer(stop_words="english") defaults, with numpy/scipy."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for row, text in enumerate(texts):
        for token in _TOKEN.findall(text.lower()):
            if token in SKLEARN_ENGLISH_STOP_WORDS:
                continue
            rows.append(row)
            cols.append(vocab.setdefault(token, len(vocab)))
    counts = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(texts), len(vocab))
    )
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=len(vocab))
    idf = np.log((1 + len(texts)) / (1 + df)) + 1.0
    weighted = counts @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ weighted)


def strongest_shared_term(x: sparse.csr_matrix) -> np.ndarray:
    """Dense (n, n) matrix of max_t min(x[a, t], x[b, t])."""
    n = x.shape[0]
    csc = x.tocsc()
    out = np.zeros((n, n), dtype=np.float64)
    for a in range(n):
        terms = x.indices[x.indptr[a] : x.indptr[a + 1]]
        if not len(terms):
            continue
        weights = x.data[x.indptr[a] : x.indptr[a + 1]]
        block = csc[:, terms].toarray()
        out[a] = np.minimum(block, weights[None, :]).max(axis=1)
    return out


def _document_cosine(texts: list[str]) -> np.ndarray:
    """Cosine of the packaged model's embeddings of whole texts (first 128 word pieces):
    not common ground, a reference for how far document similarity gets."""
    vectors = tp.default_embedder().embed(texts)
    return vectors @ vectors.T


def run_year(folder: Path, year: int, with_title: bool) -> dict[str, object]:
    papers, sessions = load_year(folder, year)
    ids = [p["abstract_id"] for p in papers]
    texts = [text_of(p, with_title) for p in papers]
    attendees = [
        tp.Attendee(id=i, name=f"paper {i}", bio=t) for i, t in zip(ids, texts, strict=True)
    ]

    start = time.perf_counter()
    vocab = tp.event_topics(attendees)
    topics_s = time.perf_counter() - start

    n = len(ids)
    upper_a, upper_b = np.triu_indices(n, k=1)
    start = time.perf_counter()
    common = pair_values(vocab)[upper_a, upper_b]
    scoring_s = time.perf_counter() - start

    session_sets = [sessions.get(i, set()) for i in ids]
    labels = np.fromiter(
        (bool(session_sets[a] & session_sets[b]) for a, b in zip(upper_a, upper_b, strict=True)),
        dtype=bool, count=len(upper_a),
    )
    x = tfidf(texts)
    cosine = np.asarray((x @ x.T).todense())[upper_a, upper_b]
    single = strongest_shared_term(x)[upper_a, upper_b]
    positive_zero = float((common[labels] == 0).mean())
    negative_zero = float((common[~labels] == 0).mean())
    nonzero = common > 0
    return {
        "year": year,
        "papers": n,
        "panels": len({s for group in session_sets for s in group}),
        "positives": int(labels.sum()),
        "pairs": len(labels),
        "auc_cg": auc(common, labels),
        "auc_tfidf": auc(cosine, labels),
        "auc_term": auc(single, labels),
        "auc_doc": auc(_document_cosine(texts)[upper_a, upper_b], labels),
        "topics": len(vocab.topics),
        "topics_s": topics_s,
        "scoring_s": scoring_s,
        "pos_zero": positive_zero,
        "neg_zero": negative_zero,
        "pos_named": float((common[labels] >= MIN_SCORE).mean()),
        "neg_named": float((common[~labels] >= MIN_SCORE).mean()),
        "auc_nonzero": auc(common[nonzero], labels[nonzero]),
        "pos_nonzero": int((labels & nonzero).sum()),
        "neg_nonzero": int((~labels & nonzero).sum()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, nargs="+", default=list(YEARS))
    parser.add_argument(
        "--text", choices=("title+abstract", "abstract", "both"), default="title+abstract",
        help="what each paper's bio holds (default: title + abstract, as the README baseline)",
    )
    args = parser.parse_args(argv)
    folder = data_dir()
    print(f"data: {folder}", file=sys.stderr)

    start = time.perf_counter()  # model load and concept-alias embeddings, once per process
    tp.event_topics([tp.Attendee("w1", "w", interests=("chess",)),
                     tp.Attendee("w2", "w", interests=("jazz",))])
    warm_s = time.perf_counter() - start

    variants = {"title+abstract": [True], "abstract": [False], "both": [True, False]}[args.text]
    results = []
    for with_title in variants:
        for year in args.years:
            result = run_year(folder, year, with_title)
            result["text"] = "title+abstract" if with_title else "abstract"
            results.append(result)
            print(f"  {year} {result['text']}: done in "
                  f"{result['topics_s'] + result['scoring_s']:.0f} s", file=sys.stderr)

    print(f"\nEPSA panels: same-panel pairs vs all other pairs (every pair scored, no sampling); "
          f"model warm-up {warm_s:.1f} s, not counted below.\n")
    print("| year | text | papers | panels | positive pairs | all pairs | topics "
          "| AUC pair score | AUC TF-IDF cosine | AUC strongest shared term "
          "| AUC whole-text MiniLM cosine "
          "| topics s | scoring s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['year']} | {r['text']} | {r['papers']} | {r['panels']} | {r['positives']:,} "
              f"| {r['pairs']:,} | {r['topics']:,} | {r['auc_cg']:.3f} | {r['auc_tfidf']:.3f} "
              f"| {r['auc_term']:.3f} | {r['auc_doc']:.3f} "
              f"| {r['topics_s']:.1f} | {r['scoring_s']:.1f} |")
    print("\nDiagnostics (pair score):\n")
    for r in results:
        print(f"- {r['year']} {r['text']}: score 0 for {r['pos_zero']:.1%} of positive pairs and "
              f"{r['neg_zero']:.1%} of negative pairs; nameable common ground for "
              f"{r['pos_named']:.1%} of positive and {r['neg_named']:.1%} of negative pairs; "
              f"AUC among pairs with score > 0 "
              f"({r['pos_nonzero']:,} positive, {r['neg_nonzero']:,} negative): "
              f"{r['auc_nonzero']:.3f}")
    beaten = [r for r in results if r["auc_cg"] <= max(r["auc_tfidf"], r["auc_doc"])]
    print("\nPair score above TF-IDF and whole-text MiniLM every year: "
          + ("met" if not beaten else "NOT met for " + ", ".join(str(r["year"]) for r in beaten)))
    first = [r for r in results if r["year"] == 2019]
    if first:
        verdict = "met" if first[0]["auc_cg"] >= 0.85 else "NOT met"
        print(f"Pair score AUC >= 0.85 in 2019: {verdict}"
              f" ({first[0]['auc_cg']:.3f})")
    zero = [r for r in results if r["pos_zero"] >= 0.10]
    print("Same-panel pairs with score 0 below 10 %: "
          + ("met" if not zero else "NOT met for " + ", ".join(str(r["year"]) for r in zero)))


if __name__ == "__main__":
    main()
