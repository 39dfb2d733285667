#!/usr/bin/env python3
"""Mine candidate interest-phrase pairs from the Meetup.com topic taxonomy.

Candidates feed the hand-checked benchmark ``bench/data/topic_pairs.csv``
(see ``topic_pairs.md``).  This script only *proposes* pairs; the final
labels were checked one by one by a person, so its output is not expected to
reproduce the CSV exactly.

Data: ``meetup_topics/topics.csv`` and ``meetup_topics/groups_topics.csv``
(latin-1) under ``$TOUCHPOINTS_BENCH_DATA`` or, by default,
``<project root>/../shared/bench``.

Candidate kinds written (CSV: kind,a,b,score,evidence):

* ``same``      -- near-duplicate names: identical normalised token set
                   (case, &/and, plural, stop words and "lovers/fans" filler
                   ignored), identical letters once spaces/hyphens are dropped,
                   identical tokens after a small synonym map (swap=exchange,
                   PC=computer, ...), an initialism of one name written in
                   capitals in the other (ASL, BNI, RPGs), or a single-token
                   spelling variant (edit distance 1-2).  Sorted by
                   character-trigram cosine.
* ``related``   -- name containment (every content token of the shorter
                   name occurs in the longer one, which adds at most two
                   tokens) and strong co-use (topics used by the same groups,
                   scored by count and PMI).
* ``different`` -- hard negatives: names sharing a content word (or the same
                   Meetup category) but never co-used and not contained in
                   one another; plus a few random easy negatives.

Usage::

    python bench/data/mine_topic_pairs.py [--out FILE] [--limit N] [--seed S]
    python bench/data/mine_topic_pairs.py --by-word > reading_list.txt

Standard library + numpy only.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import re
import sys
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

STOP = frozenset(
    "a an and the of for in on to with at by your our my you we us or its it all".split()
)
# words that decorate a topic name without changing the interest ("X Lovers")
FILLER = frozenset("lover fan enthusiast fanatic buff group meetup".split())
# spelling variants folded before comparison
VARIANTS = dict(
    pair.split(":")
    for pair in "theatre:theater theatres:theaters nite:night glbt:lgbt bussiness:business "
    "photos:photo".split()
)
# small synonym map used only to *propose* same-candidates (all checked by hand)
SYNONYMS = dict(
    pair.split(":")
    for pair in "swap:exchange pc:computer kid:child children:child teenager:teen "
    "photography:photo film:movie online:internet workout:fitness male:men eco:green "
    "gaming:game dancing:dance".split()
)


def data_dir() -> Path:
    env = os.environ.get("TOUCHPOINTS_BENCH_DATA")
    base = Path(env) if env else Path(__file__).resolve().parents[2] / ".." / "shared" / "bench"
    if (base / "topics.csv").exists():
        return base
    return base / "meetup_topics"


def singular(tok: str) -> str:
    if len(tok) > 4 and tok.endswith("ies"):
        return tok[:-3] + "y"
    if len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
        return tok[:-1]
    return tok


def tokens(name: str) -> list[str]:
    s = name.lower().replace("&", " and ").replace("+", " and ")
    s = re.sub(r"[^a-z0-9\u00c0-\u00ff]+", " ", s)
    out = []
    for t in s.split():
        t = VARIANTS.get(t, t)
        t = singular(t)
        if t in STOP:
            continue
        out.append(t)
    return out


def content(name: str) -> frozenset[str]:
    return frozenset(t for t in tokens(name) if t not in FILLER)


def letters(name: str) -> str:
    return "".join(tokens(name))


def trigram_matrix(names: list[str]) -> np.ndarray:
    grams: dict[str, int] = {}
    rows = []
    for n in names:
        s = " " + " ".join(tokens(n)) + " "
        c = Counter(s[i : i + 3] for i in range(len(s) - 2))
        rows.append(c)
        for g in c:
            grams.setdefault(g, len(grams))
    m = np.zeros((len(names), len(grams)), dtype=np.float32)
    for i, c in enumerate(rows):
        for g, v in c.items():
            m[i, grams[g]] = v
    m /= np.linalg.norm(m, axis=1, keepdims=True) + 1e-9
    return m


def load():
    d = data_dir()
    with open(d / "topics.csv", encoding="latin-1", newline="") as f:
        topics = list(csv.DictReader(f))
    with open(d / "groups_topics.csv", encoding="latin-1", newline="") as f:
        gt = list(csv.DictReader(f))
    return topics, gt


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="write candidates here (default: stdout)")
    ap.add_argument("--limit", type=int, default=400, help="max candidates per kind")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--by-word",
        action="store_true",
        help="instead of pairs, print a reading list: for each content word shared by "
        "2..60 topic names, those names (how most same-pairs were found by eye)",
    )
    args = ap.parse_args(argv)

    topics, gt = load()
    # one entry per distinct name (case-insensitive)
    by_name: dict[str, dict] = {}
    for r in topics:
        key = r["topic_name"].strip().lower()
        if key not in by_name or int(r["members"] or 0) > int(by_name[key]["members"] or 0):
            by_name[key] = r
    recs = sorted(by_name.values(), key=lambda r: r["topic_name"].lower())
    names = [r["topic_name"].strip() for r in recs]
    tid = [r["topic_id"] for r in recs]
    cat = [r["main_topic_id"] for r in recs]
    idx = {t: i for i, t in enumerate(tid)}

    # co-use: topics tagged on the same group
    groups: dict[str, set[int]] = defaultdict(set)
    for r in gt:
        if r["topic_id"] in idx:
            groups[r["group_id"]].add(idx[r["topic_id"]])
    n_groups = len(groups)
    used = Counter(i for s in groups.values() for i in s)
    co = Counter()
    for s in groups.values():
        for a, b in combinations(sorted(s), 2):
            co[(a, b)] += 1

    def couse(a: int, b: int) -> tuple[int, float]:
        c = co.get((min(a, b), max(a, b)), 0)
        if not c:
            return 0, float("-inf")
        return c, math.log(c * n_groups / (used[a] * used[b]))

    cont = [content(n) for n in names]
    if args.by_word:
        words: dict[str, list[int]] = defaultdict(list)
        for i, c in enumerate(cont):
            for w in c:
                words[w].append(i)
        for w in sorted(words):
            if 2 <= len(words[w]) <= 60:
                print(f"## {w} ({len(words[w])})")
                for i in words[w]:
                    print(f"   {names[i]}  [members {recs[i]['members']}, groups {used.get(i, 0)}]")
        return 0
    lets = [letters(n) for n in names]
    tri = trigram_matrix(names)
    sim = tri @ tri.T

    out: list[tuple[str, str, str, float, str]] = []

    # ---- same: near-duplicate names
    syn = [frozenset(SYNONYMS.get(t, t) for t in c) for c in cont]
    # initialisms: "American Sign Language" -> "asl"; matched only against
    # all-capital words of the other name ("ASL", "BNI", "RPGs")
    initials = ["".join(t[0] for t in tokens(nm)) if len(tokens(nm)) >= 3 else "" for nm in names]
    caps = [{w.lower().rstrip("s") for w in re.findall(r"\b[A-Z]{2,}s?\b", nm)} for nm in names]

    def spelling_close(x: str, y: str) -> bool:
        limit = 1 if min(len(x), len(y)) < 8 else 2
        if abs(len(x) - len(y)) > limit or min(len(x), len(y)) < 4:
            return False
        # cheap edit distance (<= 2)
        prev = list(range(len(y) + 1))
        for i, cx in enumerate(x, 1):
            cur = [i]
            for j, cy in enumerate(y, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (cx != cy)))
            prev = cur
        return prev[-1] <= limit

    same = []
    n = len(names)
    for i in range(n):
        for j in range(i + 1, n):
            ci, cj = cont[i], cont[j]
            if not ci or not cj:
                continue
            ev = None
            if ci == cj:
                ev = "same content tokens"
            elif lets[i] == lets[j]:
                ev = "same letters"
            elif syn[i] == syn[j]:
                ev = "same tokens after synonym map"
            elif (initials[i] and initials[i] in caps[j]) or (
                initials[j] and initials[j] in caps[i]
            ):
                ev = "abbreviation"
            else:
                di, dj = ci - cj, cj - ci
                if len(di) == 1 and len(dj) == 1 and spelling_close(next(iter(di)), next(iter(dj))):
                    ev = "spelling variant"
            if ev:
                c, _ = couse(i, j)
                if c:
                    ev += f"; co-used by {c} groups"
                same.append((float(sim[i, j]), names[i], names[j], ev))
    same.sort(key=lambda x: -x[0])
    out += [("same", a, b, round(s, 3), ev) for s, a, b, ev in same[: args.limit]]

    # ---- related: containment + co-use
    rel = {}
    for i in range(n):
        for j in range(n):
            if i == j or not cont[i] or not cont[j]:
                continue
            if cont[i] < cont[j] and len(cont[j]) - len(cont[i]) <= 2:
                c, _ = couse(i, j)
                score = 1.0 + min(c, 20) / 20
                ev = f"name containment: '{names[i]}' in '{names[j]}'"
                if c:
                    ev += f"; co-used by {c} groups"
                rel[(min(i, j), max(i, j))] = (score, ev)
    for (a, b), c in co.items():
        if c < 3:
            continue
        cc, p = couse(a, b)
        if p < 2.0 or cont[a] == cont[b]:
            continue
        key = (a, b)
        score = min(c, 30) / 30 + p / 8
        if key not in rel or rel[key][0] < score:
            rel[key] = (score, f"co-used by {c} groups (PMI {p:.1f})")
    rel_l = sorted(
        ((s, names[a], names[b], ev) for (a, b), (s, ev) in rel.items()), key=lambda x: -x[0]
    )
    out += [("related", a, b, round(s, 3), ev) for s, a, b, ev in rel_l[: args.limit]]

    # ---- different: share a word / category, never co-used, no containment
    diff = []
    for i in range(n):
        for j in range(i + 1, n):
            ci, cj = cont[i], cont[j]
            if not ci or not cj or ci <= cj or cj <= ci:
                continue
            shared = ci & cj
            if not shared or len(shared) * 2 > min(len(ci), len(cj)) + 1:
                continue
            if co.get((i, j)):
                continue
            if len(ci) > 3 or len(cj) > 3:
                continue
            ev = f"share '{' '.join(sorted(shared))}', never co-used"
            if cat[i] == cat[j]:
                ev += ", same Meetup category"
            diff.append((float(sim[i, j]), names[i], names[j], ev))
    diff.sort(key=lambda x: -x[0])
    out += [("different", a, b, round(s, 3), ev) for s, a, b, ev in diff[: args.limit]]
    rng = random.Random(args.seed)
    for _ in range(max(1, args.limit // 10)):
        i, j = rng.sample(range(n), 2)
        if cat[i] != cat[j] and not (cont[i] & cont[j]) and not co.get((min(i, j), max(i, j))):
            ev = "easy negative: random, different categories"
            out.append(("different", names[i], names[j], round(float(sim[i, j]), 3), ev))

    header = ["kind", "a", "b", "score", "evidence"]
    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *out])
    else:
        csv.writer(sys.stdout).writerows([header, *out])
    print(
        f"{len(names)} topic names, {n_groups} groups; candidates: "
        + ", ".join(f"{k}={v}" for k, v in Counter(o[0] for o in out).items()),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
