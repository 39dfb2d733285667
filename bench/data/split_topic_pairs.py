#!/usr/bin/env python3
"""Split new labelled topic pairs into the dev file and the frozen test file.

Standard library only. The split is seeded and reproducible; see topic_pairs.md,
"Frozen test part".

Inputs
  --old FILE     the original labelled rows (a,b,label,why[,source]). Only the
                 first --old-count data rows are read (default 617: the rows that
                 existed before the test part was made). They always go to dev.
  --new FILE     candidate rows a,b,label,why,source (source: epsa|demo|meetup|hand).
                 Several --new files may be given; their order does not matter.

How rows are kept apart
  1. Every phrase gets a key: case-folded, split into letter/digit tokens,
     "-ies" -> "-y", a final "s" dropped (so "Radical-right parties" and
     "radical right party" share a key).
  2. Candidate rows are joined into components: two rows are in one component
     when they share a phrase key (directly or through other rows). So a phrase,
     and every phrase joined to it by any pair (a `same` pair included), ends up
     on one side only.
  3. A component that contains a phrase key also found in the old rows is forced
     into dev (the old rows are dev).
  4. The other components are sorted by a canonical key, shuffled with
     random.Random(seed), and taken in that order: a component goes to test
     while the test count of its dominant source stays near --test-frac of that
     source's new rows (a component is taken if test + half its size <= target).

Usage
  python bench/data/split_topic_pairs.py --new /tmp/candidates.csv \\
      --seed 17 --dev-out bench/data/topic_pairs.csv \\
      --test-out bench/data/topic_pairs_test.csv
  python bench/data/split_topic_pairs.py --check
      re-derives the split from the two committed files (first 617 dev rows =
      old rows; the other dev rows plus the test rows = candidates) and fails if
      the membership differs.
"""
import argparse
import collections
import csv
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEV = os.path.join(HERE, "topic_pairs.csv")
TEST = os.path.join(HERE, "topic_pairs_test.csv")
OLD_COUNT = 617
SEED = 17
TEST_FRAC = 0.4
LABELS = {"same", "related", "different"}
SOURCES = {"epsa", "demo", "meetup", "hand"}
FIELDS = ["a", "b", "label", "why", "source"]


def key(phrase):
    p = phrase.casefold().replace("\u2019", "'")
    toks = re.findall(r"[^\W_]+", p)
    toks = [t[:-3] + "y" if len(t) > 4 and t.endswith("ies") else t for t in toks]
    toks = [t[:-1] if len(t) > 3 and t.endswith("s") and not t.endswith("ss") else t
            for t in toks]
    return " ".join(toks)


def read_rows(path, limit=None):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if limit is not None:
        rows = rows[:limit]
    for r in rows:
        if not r.get("source"):
            r["source"] = "hand" if r["why"].startswith("hand-written") else "meetup"
    return rows


def validate(old, new):
    errors = []
    seen = set()
    for i, r in enumerate(old + new):
        where = f"old row {i + 1}" if i < len(old) else f"new row {i - len(old) + 1}"
        if r["label"] not in LABELS:
            errors.append("{}: bad label {!r}".format(where, r["label"]))
        if r["source"] not in SOURCES:
            errors.append("{}: bad source {!r}".format(where, r["source"]))
        a, b = r["a"].strip(), r["b"].strip()
        if not a or not b or a.casefold() == b.casefold():
            errors.append(f"{where}: empty or a == b: {a!r} / {b!r}")
        k = frozenset((a.casefold(), b.casefold()))
        if k in seen:
            errors.append(f"{where}: duplicate unordered pair {a!r} / {b!r}")
        seen.add(k)
    # no related/different pair inside a cluster joined by `same` pairs
    find = _UnionFind()
    par = find.parents
    for r in old + new:
        if r["label"] == "same":
            par[find(r["a"])] = find(r["b"])
    for r in old + new:
        if r["label"] != "same" and find(r["a"]) == find(r["b"]):
            errors.append(f"{r['label']} pair inside a same-cluster: {r['a']!r} / {r['b']!r}")
    return errors


class _UnionFind:
    """find(x) -> the root of x, over a parents dict (``.parents``) callers link roots in."""

    def __init__(self):
        self.parents = {}

    def __call__(self, x):
        par = self.parents
        par.setdefault(x, x)
        while par[x] != x:
            par[x] = par[par[x]]
            x = par[x]
        return x


def split(old, new, seed, frac):
    oldkeys = {key(r[s]) for r in old for s in "ab"}
    find = _UnionFind()
    par = find.parents
    for r in new:
        ka, kb = find(key(r["a"])), find(key(r["b"]))
        if ka != kb:
            par[ka] = kb
    comps = collections.defaultdict(list)
    for i, r in enumerate(new):
        comps[find(key(r["a"]))].append(i)
    total = collections.Counter(r["source"] for r in new)
    target = {s: round(frac * n) for s, n in total.items()}
    free, forced = [], []
    for idx in comps.values():
        keys = sorted({key(new[i][s]) for i in idx for s in "ab"})
        (forced if any(k in oldkeys for k in keys) else free).append((keys, idx))
    free.sort()
    random.Random(seed).shuffle(free)
    in_test = set()
    test_n = collections.Counter()
    for _keys, idx in free:
        cnt = collections.Counter(new[i]["source"] for i in idx)
        dom = max(sorted(cnt), key=lambda s: cnt[s])
        if test_n[dom] + cnt[dom] / 2 <= target[dom]:
            in_test.update(idx)
            test_n.update(cnt)
    dev_new = [r for i, r in enumerate(new) if i not in in_test]
    test = [r for i, r in enumerate(new) if i in in_test]
    info = dict(components=len(comps), forced=len(forced),
                forced_rows=sum(len(i) for _, i in forced), target=target)
    return dev_new, test, info


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FIELDS)
        for r in rows:
            w.writerow([r[k] for k in FIELDS])


def summary(name, rows):
    c = collections.Counter((r["source"], r["label"]) for r in rows)
    print(f"{name}: {len(rows)} rows")
    for s in ("meetup", "hand", "epsa", "demo"):
        n = [c[(s, label)] for label in ("same", "related", "different")]
        if sum(n):
            print(f"  {s:<7} same {n[0]:4d}  related {n[1]:4d}  "
                  f"different {n[2]:4d}  all {sum(n):4d}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", default=DEV)
    ap.add_argument("--old-count", type=int, default=OLD_COUNT)
    ap.add_argument("--new", action="append", default=[])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--test-frac", type=float, default=TEST_FRAC)
    ap.add_argument("--dev-out", default=DEV)
    ap.add_argument("--test-out", default=TEST)
    ap.add_argument("--check", action="store_true",
                    help="re-derive the split from the committed dev and test files")
    args = ap.parse_args()

    if args.check:
        dev = read_rows(DEV)
        test = read_rows(TEST)
        old, new = dev[:args.old_count], dev[args.old_count:] + test
    else:
        if not args.new:
            ap.error("--new is required (or use --check)")
        old = read_rows(args.old, args.old_count)
        new = [r for p in args.new for r in read_rows(p)]
    errors = validate(old, new)
    if errors:
        print("\n".join(errors[:50]), file=sys.stderr)
        sys.exit(f"{len(errors)} errors")
    dev_new, test_rows, info = split(old, new, args.seed, args.test_frac)
    print(f"components {info['components']}, forced into dev {info['forced']} "
          f"({info['forced_rows']} rows)")
    if args.check:
        def pairs(rows):
            return {frozenset((r["a"], r["b"])) for r in rows}
        ok = pairs(test_rows) == pairs(test) and pairs(dev_new) == pairs(dev[args.old_count:])
        print("split reproduced" if ok else "SPLIT DIFFERS")
        sys.exit(0 if ok else 1)
    write(args.dev_out, old + dev_new)
    write(args.test_out, test_rows)
    summary(f"dev ({os.path.basename(args.dev_out)})", old + dev_new)
    summary(f"test ({os.path.basename(args.test_out)})", test_rows)


if __name__ == "__main__":
    main()
