#!/usr/bin/env python3
"""1:1 rounds for whole events: 1,000 and 5,000 attendees, 10 rounds.

Events are the seeded synthetic ones of ``bench/scale.py``. Each size runs in a fresh
child process that imports the file, finds the topics and builds the pair values
(:func:`touchpoints.core.plans.objective.plan_values`), then times
:func:`touchpoints.core.plans.pairs.pair_rounds` for all rounds (the timed part; the
numba and rustworkx code is warmed up first on a tiny event). It checks every round
independently (each person at most once, at most one trio, no pair twice) and
compares round 1 with

* the **optimum**: an exact maximum-weight matching over *all* pairs the values hold
  (``rustworkx.max_weight_matching`` without the per-round candidate cut and without
  preferring more pairs), and
* the **greedy** matching (heaviest pair first) over the same pairs.

Columns: ``attendees | rounds | pairing s | pairs per round | unpaired (all rounds) |
round 1 value | optimum | share | greedy | greedy share``.

Usage::

    python bench/pairs.py                 # 1000 and 5000 attendees, 10 rounds
    python bench/pairs.py --sizes 1000 --rounds 5

Targets: 1,000 x 10 in <= 3 s, 5,000 x 10 in <= 30 s (pairing time).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import data_dir, synthetic_csv


def _optimum(values) -> float:  # type: ignore[no-untyped-def]
    import rustworkx as rx
    from scipy import sparse

    upper = sparse.triu(sparse.csr_matrix(values), k=1).tocoo()
    graph = rx.PyGraph()
    graph.add_nodes_from(range(values.shape[0]))
    weights = np.rint(upper.data * 1_000_000).astype(np.int64).tolist()
    graph.add_edges_from(list(zip(upper.row.tolist(), upper.col.tolist(), weights, strict=True)))
    matching = rx.max_weight_matching(graph, max_cardinality=False, weight_fn=int)
    dense = sparse.csr_matrix(values)
    return float(sum(dense[a, b] for a, b in matching))


def _check(plan, n: int) -> str:  # type: ignore[no-untyped-def]
    seen: set[frozenset[int]] = set()
    for number, round_ in enumerate(plan, start=1):
        members = [p for g in round_.groups for p in g]
        if len(members) != len(set(members)):
            return f"round {number}: someone paired twice"
        if set(members) | {u.person for u in round_.unpaired} != set(range(n)):
            return f"round {number}: someone missing"
        if sum(len(g) == 3 for g in round_.groups) > 1:
            return f"round {number}: more than one trio"
        pairs = {frozenset(p) for g in round_.groups for p in combinations(g, 2)}
        if pairs & seen:
            return f"round {number}: a pair meets again"
        seen |= pairs
    return "ok"


def run_child(path: Path, rounds: int, seed: int) -> dict[str, object]:
    from scipy import sparse

    from touchpoints import event_topics, read_registrations
    from touchpoints.core.plans.objective import plan_values
    from touchpoints.core.plans.pairs import greedy_matching_weight, pair_rounds

    pair_rounds(np.ones((4, 4)), 2, seed=seed)  # warm up
    with path.open("rb") as handle:
        people = read_registrations(handle, filename=path.name).attendees
    start = time.perf_counter()
    values = plan_values(event_topics(people))
    prepare = time.perf_counter() - start
    start = time.perf_counter()
    plan = pair_rounds(values, rounds, seed=seed)
    seconds = time.perf_counter() - start
    matrix = sparse.csr_matrix(values)
    first = sum(matrix[a, b] for g in plan[0].groups for a, b in combinations(g, 2))
    return {
        "attendees": len(people),
        "prepare_s": prepare,
        "seconds": seconds,
        "pairs": [len(r.groups) for r in plan],
        "unpaired": sum(len(r.unpaired) for r in plan),
        "first": float(first),
        "optimum": _optimum(values),
        "greedy": greedy_matching_weight(values),
        "check": _check(plan, len(people)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.rounds, args.seed)))
        return
    print("| attendees | rounds | pairing s | pairs per round | unpaired (all rounds) | "
          "round 1 value | optimum | share | greedy | greedy share | check |")
    print("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|")
    notes = []
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"event_{size}.csv"
            path.write_text(synthetic_csv(size, args.seed, data_dir()), encoding="utf-8")
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--rounds", str(args.rounds),
                 "--seed", str(args.seed)],
                check=True, capture_output=True, text=True,
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            per_round = sorted(set(r["pairs"]))
            print(
                f"| {r['attendees']:,} | {args.rounds} | {r['seconds']:.2f} | "
                f"{'–'.join(map(str, per_round))} | {r['unpaired']} | {r['first']:.1f} | "
                f"{r['optimum']:.1f} | {r['first'] / r['optimum']:.1%} | {r['greedy']:.1f} | "
                f"{r['greedy'] / r['optimum']:.1%} | {r['check']} |",
                flush=True,
            )
            notes.append(f"{r['attendees']:,} attendees: topics and values {r['prepare_s']:.1f} s")
            failed |= r["check"] != "ok"
    print()
    for note in notes:
        print(f"- {note}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
