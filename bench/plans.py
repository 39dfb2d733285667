#!/usr/bin/env python3
"""Table plans for whole events: 300, 3,000 and 30,000 attendees, 3 rounds of 8.

Events are the seeded synthetic ones of ``bench/scale.py`` (real Meetup.com topic
vocabulary, hometowns, languages, organizations; see its docstring). Each size runs
in a fresh child process, which imports the file, finds the topics, builds the pair
values (:func:`touchpoints.core.plans.objective.plan_values`: the exact dense matrix up
to 2,000 people, each person's best 30 partners above), and then seats the event three
ways, each measured by the same :func:`~touchpoints.core.plans.tables.plan_metrics`:

* **random**: every round a random permutation cut into tables;
* **greedy**: every round, people in random order each take the table with a free
  seat where they add the most value, minus 2 for everyone there they met in an
  earlier round and 1 per acquaintance (the obvious one-pass heuristic);
* **touchpoints**: :func:`~touchpoints.core.plans.tables.table_plan` with ``--time``
  seconds (per size: the limits are given in the same order as the sizes).

Columns: ``attendees | planner | s | hook coverage | mean hook | weakest hook |
repeated pairs | acquaintances together | total common ground``, plus per size the
time of topics and values and the child's peak RSS.

Usage::

    python bench/plans.py                                  # 300 3000 30000, 10/30/120 s
    python bench/plans.py --sizes 300 --time 5 --seed 2
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import data_dir, synthetic_csv

ROUNDS, SIZE = 3, 8


def _random(n: int, caps: tuple[int, ...], rng: np.random.Generator) -> list[np.ndarray]:
    slots = np.repeat(np.arange(len(caps)), caps)
    return [slots[rng.permutation(len(slots))[:n]] for _ in range(ROUNDS)]


def _row(values, person):  # type: ignore[no-untyped-def]
    from scipy import sparse

    if sparse.issparse(values):
        span = slice(values.indptr[person], values.indptr[person + 1])
        return values.indices[span], values.data[span]
    nonzero = np.flatnonzero(values[person])
    return nonzero, values[person, nonzero]


def _greedy(values, caps, known, rng) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    n = values.shape[0]
    met: set[tuple[int, int]] = set()
    rounds = []
    for _ in range(ROUNDS):
        seat = np.full(n, -1)
        free = np.array(caps)
        members: list[list[int]] = [[] for _ in caps]
        for person in rng.permutation(n).tolist():
            gain: dict[int, float] = {}
            partners, weights = _row(values, person)
            for other, w in zip(partners.tolist(), weights.tolist(), strict=True):
                if seat[other] >= 0:
                    gain[seat[other]] = gain.get(seat[other], 0.0) + w
            for table in list(gain):
                for other in members[table]:
                    pair = (min(person, other), max(person, other))
                    gain[table] -= 2.0 * (pair in met) + 1.0 * (pair in known)
            options = [(g, -t) for t, g in gain.items() if free[t] > 0]
            table = -max(options)[1] if options and max(options)[0] > 0 else int(np.argmax(free))
            seat[person] = table
            free[table] -= 1
            members[table].append(person)
        for group in members:
            met |= {(min(a, b), max(a, b)) for i, a in enumerate(group) for b in group[i + 1 :]}
        rounds.append(seat)
    return rounds


def _exact(vocabulary, values, seatings):  # type: ignore[no-untyped-def]
    """The planners' values, plus the exact value of every pair any plan seats together
    (sparse values hold only each person's best partners: a pair outside them is worth
    less, not nothing)."""
    from scipy import sparse

    from touchpoints.core.plans.objective import pair_values_at

    if not sparse.issparse(values):
        return values
    n = values.shape[0]
    rows, cols = [], []
    for seating in seatings:
        seating = np.asarray(seating)
        order = np.argsort(seating, kind="stable")
        tables = np.split(order, np.flatnonzero(np.diff(seating[order])) + 1)
        for members in tables:
            a, b = np.triu_indices(len(members), 1)
            rows.append(members[a])
            cols.append(members[b])
    keys = np.unique(
        np.minimum(np.concatenate(rows), np.concatenate(cols)) * n
        + np.maximum(np.concatenate(rows), np.concatenate(cols))
    )
    r, c = keys // n, keys % n
    seated = sparse.csr_matrix((pair_values_at(vocabulary, r, c), (r, c)), shape=(n, n))
    seated = seated.maximum(seated.T)
    return sparse.csr_matrix(values).maximum(seated)


def run_child(path: Path, limit: float, seed: int) -> dict[str, object]:
    from touchpoints import event_topics, read_registrations
    from touchpoints.core.acquaintance import acquaintances
    from touchpoints.core.plans.objective import plan_values
    from touchpoints.core.plans.tables import plan_metrics, table_capacities, table_plan

    with path.open("rb") as handle:
        people = read_registrations(handle, filename=path.name).attendees
    start = time.perf_counter()
    vocabulary = event_topics(people)
    topics_s = time.perf_counter() - start
    start = time.perf_counter()
    values = plan_values(vocabulary)
    values_s = time.perf_counter() - start
    times: dict[str, float] = {}
    index = {a.id: i for i, a in enumerate(people)}
    known = [(index[p.a], index[p.b]) for p in acquaintances(people).pairs.values()]
    caps = table_capacities(len(people), size=SIZE)
    rng = np.random.default_rng(seed)
    plans = {}
    for name, plan in (
        ("random", lambda: _random(len(people), caps, rng)),
        ("greedy", lambda: _greedy(values, caps, set(known), rng)),
        (
            "touchpoints",
            lambda: (
                table_plan(
                    values,
                    caps,
                    ROUNDS,
                    acquainted=known,
                    time_limit=limit,
                    seed=random.Random(seed),
                ).rounds
            ),
        ),
    ):
        start = time.perf_counter()
        plans[name] = plan()
        times[name] = time.perf_counter() - start
    exact = _exact(vocabulary, values, [s for seatings in plans.values() for s in seatings])
    rows = [
        {
            "planner": name,
            "s": times[name],
            **asdict(plan_metrics(exact, caps, seatings, acquainted=known)),
        }
        for name, seatings in plans.items()
    ]
    return {
        "attendees": len(people),
        "topics_s": topics_s,
        "values_s": values_s,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 3_000, 30_000])
    parser.add_argument("--time", type=float, nargs="+", default=[10.0, 30.0, 120.0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.time[0], args.seed)))
        return
    limits = args.time + [args.time[-1]] * (len(args.sizes) - len(args.time))
    print(
        "| attendees | planner | s | hook coverage | mean hook | weakest hook | "
        "repeated pairs | acquaintances together | total common ground |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    notes = []
    folder = data_dir()
    with tempfile.TemporaryDirectory() as tmp:
        for size, limit in zip(args.sizes, limits, strict=True):
            path = Path(tmp) / f"event_{size}.csv"
            path.write_text(synthetic_csv(size, args.seed, folder), encoding="utf-8")
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(path),
                    "--time",
                    str(limit),
                    "--seed",
                    str(args.seed),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(out.stdout.strip().splitlines()[-1])
            for row in result["rows"]:
                print(
                    f"| {result['attendees']:,} | {row['planner']} | {row['s']:.1f} | "
                    f"{row['hook_coverage']:.1%} | {row['mean_hook']:.3f} | "
                    f"{row['min_hook']:.3f} | {row['repeated_pairs']} | "
                    f"{row['acquaintances_together']} | {row['total_value']:.0f} |",
                    flush=True,
                )
            notes.append(
                f"{result['attendees']:,} attendees: topics {result['topics_s']:.1f} s, "
                f"values {result['values_s']:.1f} s, planner limit {limit:g} s, "
                f"peak RSS {result['peak_gb']:.2f} GB"
            )
    print()
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
