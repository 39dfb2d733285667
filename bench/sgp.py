#!/usr/bin/env python3
"""Rotation quality on the Social Golfer Problem (CSPLib prob010).

Instance ``g-s-w``: n = g*s people, g tables of exactly s seats, w rounds; it is
solved when no pair shares a table twice. With no common ground at all (every pair
value 0) the table planner's only goal is to avoid repeats, so

    table_plan(np.zeros((n, n)), (s,) * g, w, time_limit=T, seed=k)

with no repeated pair is a solution. This script runs it at a time limit per
instance and seed, checks every answer independently from the returned rounds
(the plan's metrics are not trusted), and prints a markdown table:

``instance | n | seed | limit s | used s | repeated pairs | solved | leading rounds |
repeat-free rounds | check``

* *used s*: wall-clock seconds of the ``table_plan`` call (it may run past the limit);
* *repeated pairs*: distinct pairs that share a table in more than one round;
* *leading rounds*: for an unsolved plan, the most rounds 1..k with no repeat among
  them ("–" when solved);
* *repeat-free rounds*: for an unsolved plan, the most rounds in any order (a subset)
  with no repeat among them -- leading rounds depend on the order the planner leaves
  the rounds in, this does not;
* *check*: ``ok``, or what is wrong (a person unseated or seated outside 0..g-1, a
  table not of exactly s people, a round missing). As a cross-check, not a source,
  the plan's own ``metrics.repeated_pairs`` (which counts extra meetings: a pair
  meeting three times counts 2) is compared with the same count made here, and a
  disagreement is flagged. Any check that is not ``ok`` makes the exit status 1.

``--incremental`` prints instead, per instance and seed, the most rounds w' <= w for
which ``table_plan(..., rounds=k)`` has no repeat, calling it with k = 1, 2, ... (each
call with the same time limit) until the first failure; with the known maximum
G(g, s) for reference.

Built-in instances (known maxima from ``sgp/KNOWN.md`` in the shared bench folder,
which this script does not need): 5-3-7 (Kirkman's schoolgirls, G = 7), 6-3-8
(G = 8), 7-4-9 (G = 9), 8-4-9 and 8-4-10 (G(8, 4) = 10, Aguado 2004). Any other
``g-s-w`` may be given with ``--instances``.

Usage::

    python bench/sgp.py                          # 5 instances x seeds 1 2 3, 10 s each
    python bench/sgp.py --time 30 --instances 8-4-10
    python bench/sgp.py --incremental --seeds 1
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from touchpoints.core.plans.tables import table_plan

DEFAULT_INSTANCES = ("5-3-7", "6-3-8", "7-4-9", "8-4-9", "8-4-10")
#: G(g, s), the most rounds without a repeat, from sgp/KNOWN.md.
KNOWN_MAX = {
    (3, 3): 4,
    (4, 3): 4,
    (5, 3): 7,
    (6, 3): 8,
    (7, 3): 10,
    (10, 3): 14,
    (11, 3): 16,
    (4, 4): 5,
    (6, 4): 7,
    (7, 4): 9,
    (8, 4): 10,
    (10, 4): 13,
    (13, 4): 17,
    (5, 5): 6,
    (6, 5): 6,
    (13, 5): 16,
    (6, 6): 3,
    (7, 7): 8,
    (8, 8): 9,
    (9, 9): 10,
}


@dataclass(frozen=True)
class Instance:
    g: int
    s: int
    w: int

    @property
    def n(self) -> int:
        return self.g * self.s

    @property
    def name(self) -> str:
        return f"{self.g}-{self.s}-{self.w}"


@dataclass
class Run:
    inst: Instance
    seed: int
    limit: float
    seconds: float
    repeated: int  # distinct pairs meeting more than once; -1 when the check failed
    leading: int  # most leading rounds without a repeat
    subset: int  # most rounds, in any order, without a repeat among them
    check: str  # "ok" or the problem


def parse_instance(text: str) -> Instance:
    try:
        g, s, w = (int(part) for part in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"instance must be g-s-w, got {text!r}") from None
    if g < 1 or s < 2 or w < 1:
        raise argparse.ArgumentTypeError(f"need g >= 1, s >= 2, w >= 1, got {text!r}")
    return Instance(g, s, w)


def check_rounds(inst: Instance, rounds: object) -> tuple[str, list[np.ndarray]]:
    """Every round seats all n people at tables 0..g-1 of exactly s each."""
    if not isinstance(rounds, tuple | list) or len(rounds) != inst.w:
        got = len(rounds) if isinstance(rounds, tuple | list) else type(rounds).__name__
        return f"expected {inst.w} rounds, got {got}", []
    seatings = []
    for r, seating in enumerate(rounds, 1):
        if len(seating) != inst.n:
            return f"round {r}: {len(seating)} seats for {inst.n} people", []
        if not all(isinstance(t, int | np.integer) for t in seating):
            return f"round {r}: a table number is not an integer", []
        arr = np.asarray(seating, dtype=np.int64)
        if arr.min() < 0 or arr.max() >= inst.g:
            return f"round {r}: table number outside 0..{inst.g - 1}", []
        sizes = np.bincount(arr, minlength=inst.g)
        if (sizes != inst.s).any():
            return f"round {r}: table sizes {sizes.tolist()}, not all {inst.s}", []
        seatings.append(arr)
    return "ok", seatings


def meetings(n: int, seatings: list[np.ndarray]) -> np.ndarray:
    """``count[i, j]``: rounds in which i and j share a table (diagonal 0)."""
    count = np.zeros((n, n), dtype=np.int64)
    for arr in seatings:
        count += arr[:, None] == arr[None, :]
    np.fill_diagonal(count, 0)
    return count


def repeated_pairs(n: int, seatings: list[np.ndarray]) -> int:
    """Distinct pairs sharing a table in two or more rounds (by table lists, not matrices)."""
    seen: set[tuple[int, int]] = set()
    repeated: set[tuple[int, int]] = set()
    for arr in seatings:
        tables: dict[int, list[int]] = {}
        for person, table in enumerate(arr.tolist()):
            tables.setdefault(table, []).append(person)
        for members in tables.values():
            for pair in combinations(members, 2):
                (repeated if pair in seen else seen).add(pair)
    return len(repeated)


def leading_rounds(n: int, seatings: list[np.ndarray]) -> int:
    """The largest k such that rounds 1..k have no pair meeting twice."""
    count = np.zeros((n, n), dtype=np.int64)
    for k, arr in enumerate(seatings):
        together = arr[:, None] == arr[None, :]
        np.fill_diagonal(together, False)
        if (count[together] > 0).any():
            return k
        count += together
    return len(seatings)


def repeat_free_subset(n: int, seatings: list[np.ndarray]) -> int:
    """The most rounds (any subset) with no pair meeting twice among them."""
    w = len(seatings)
    together = [(arr[:, None] == arr[None, :]) & ~np.eye(n, dtype=bool) for arr in seatings]
    clash = [[bool((together[a] & together[b]).any()) for b in range(w)] for a in range(w)]
    best = 0
    for mask in range(1 << w):
        members = [r for r in range(w) if mask >> r & 1]
        if len(members) > best and not any(
            clash[a][b] for i, a in enumerate(members) for b in members[i + 1 :]
        ):
            best = len(members)
    return best


def solve(inst: Instance, limit: float, seed: int) -> Run:
    values = np.zeros((inst.n, inst.n))
    started = time.perf_counter()
    try:
        plan = table_plan(values, (inst.s,) * inst.g, inst.w, time_limit=limit, seed=seed)
    except Exception as exc:  # a crash is a result too
        traceback.print_exc(file=sys.stderr)
        return Run(inst, seed, limit, time.perf_counter() - started, -1, 0, 0, f"error: {exc!r}")
    seconds = time.perf_counter() - started
    if not np.all(values == 0):
        return Run(inst, seed, limit, seconds, -1, 0, 0, "values matrix was modified")
    check, seatings = check_rounds(inst, plan.rounds)
    if check != "ok":
        return Run(inst, seed, limit, seconds, -1, 0, 0, check)
    repeated = repeated_pairs(inst.n, seatings)
    count = np.triu(meetings(inst.n, seatings), 1)
    if repeated != int((count > 1).sum()):
        check = "internal: two repeat counts disagree"
    extra = int(np.clip(count - 1, 0, None).sum())
    if plan.metrics.repeated_pairs != extra:
        check = f"metrics say {plan.metrics.repeated_pairs} repeats, the rounds give {extra}"
    leading = leading_rounds(inst.n, seatings)
    subset = repeat_free_subset(inst.n, seatings)
    return Run(inst, seed, limit, seconds, repeated, leading, subset, check)


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main_table(instances: list[Instance], seeds: list[int], limit: float) -> bool:
    print(
        "| instance | n | seed | limit s | used s | repeated pairs | solved | leading rounds "
        "| repeat-free rounds | check |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---:|---:|---|")
    good = True
    for inst in instances:
        for seed in seeds:
            progress(f"{inst.name} seed {seed} ...")
            run = solve(inst, limit, seed)
            good &= run.check == "ok"
            solved = run.repeated == 0  # from the checked rounds; a metric mismatch is only flagged
            repeated = str(run.repeated) if run.repeated >= 0 else "–"
            unsolved = not solved and run.repeated >= 0
            leading = str(run.leading) if unsolved else "–"
            subset = str(run.subset) if unsolved else "–"
            print(
                f"| {inst.name} | {inst.n} | {seed} | {limit:g} | {run.seconds:.2f} | {repeated} "
                f"| {'yes' if solved else 'no'} | {leading} | {subset} | {run.check} |",
                flush=True,
            )
    return good


def incremental_table(instances: list[Instance], seeds: list[int], limit: float) -> bool:
    print(
        "| instance | n | seed | limit s per call | w' (most rounds, no repeat) | w "
        "| known max G(g,s) | repeated pairs at w'+1 | total s | check |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    good = True
    for inst in instances:
        known = KNOWN_MAX.get((inst.g, inst.s))
        for seed in seeds:
            best, failed_repeats, total, check = 0, "–", 0.0, "ok"
            for k in range(1, inst.w + 1):
                progress(f"{inst.name} seed {seed}: {k} rounds ...")
                run = solve(Instance(inst.g, inst.s, k), limit, seed)
                total += run.seconds
                if run.check != "ok":
                    check, good = f"{k} rounds: {run.check}", False
                if run.repeated < 0:  # the rounds themselves are wrong
                    break
                if run.repeated > 0:
                    failed_repeats = str(run.repeated)
                    break
                best = k
            print(
                f"| {inst.name} | {inst.n} | {seed} | {limit:g} | {best} | {inst.w} "
                f"| {known if known is not None else '?'} | {failed_repeats} | {total:.1f} "
                f"| {check} |",
                flush=True,
            )
    return good


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--instances",
        nargs="+",
        type=parse_instance,
        default=[parse_instance(text) for text in DEFAULT_INSTANCES],
        metavar="G-S-W",
        help=f"default: {' '.join(DEFAULT_INSTANCES)}",
    )
    ap.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    ap.add_argument(
        "--time",
        type=float,
        default=10.0,
        help="time limit of each table_plan call, seconds (default 10)",
    )
    ap.add_argument(
        "--incremental",
        action="store_true",
        help="instead: most rounds w' <= w solved, calling rounds = 1, 2, ...",
    )
    args = ap.parse_args()
    table = incremental_table if args.incremental else main_table
    if not table(args.instances, args.seeds, args.time):
        sys.exit(1)


if __name__ == "__main__":
    main()
