#!/usr/bin/env python3
"""Table planner quality on MDGPLIB (the Maximally Diverse Grouping Problem).

Seating n people at m tables with per-table size bounds ``[a_g, b_g]`` so that the
sum of within-table pair values is largest is exactly the MDGP. This script runs
:func:`touchpoints.core.plans.grouping.best_grouping` on MDGPLIB instances at fixed
time limits, checks every answer independently, and prints two markdown tables:

1. **Exact optima** -- all n = 10 and n = 12 instances (120) against
   ``exact_opt_n10_n12.csv`` at a short limit (0.5 s each): how many are hit
   (within 0.01), and every miss with its gap.
2. **Larger instances** -- n = 120 (3 s), 240 (20 s), 480 (120 s), the limits the
   literature uses. Per instance: the value reached, and the gap to the references
   that exist for it:

   * ``BKS``: the provisional best-known values of ``REFERENCE.md`` section C
     (RanInt ``ds`` only; parsed from the markdown table);
   * ``IMS``: one run of Lai & Hao's Iterated Maxima Search on the same machine kind
     (``ims_reference_dev.csv``; 3 s / 20 s / 60 s -- note 60 s, not 120 s, at n = 480).

   The "ref" column is the larger of the two (its source is named); "–" where there
   is none. Gap = (ref - value) / ref, in %; negative means better than the reference.
   The mean gap per size is over the instances that have a reference.

Independent check of every answer: the assignment has one integer group in
``0..m-1`` per item, every group size lies in ``[a_g, b_g]``, the value recomputed
from the matrix equals the reported value within 1e-6 relative, and the weight
matrix is not modified. A failed check is printed in the tables and makes the exit
status 1.

Instance format (``REFERENCE.md``): header ``n m ss|ds a_1 b_1 ... a_m b_m``, then
``i j d_ij`` lines, 0-based, each pair once.

Data: ``mdgp/`` under ``$TOUCHPOINTS_BENCH_DATA`` or ``<project root>/../shared/bench``.

Usage::

    python bench/mdgp.py                     # exact + n=120/240/480, _01 of each (~15 min)
    python bench/mdgp.py --per-type 10                    # all instances (n=480: _01.._05 exist)
    python bench/mdgp.py --time-scale 0.1 --sizes 120     # quick smoke test
    python bench/mdgp.py --tables exact                   # only the exact-optima table
    python bench/mdgp.py --tables large --sizes 240 --only RanInt
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common import bench_data

TYPES = ("Geo", "RanInt", "RanReal")
KINDS = ("ss", "ds")
# seconds per instance at --time-scale 1; 120/240/480 are the literature's limits
TIME_LIMITS = {10: 0.5, 12: 0.5, 30: 1.0, 60: 1.5, 120: 3.0, 240: 20.0, 480: 120.0}
HIT_TOL = 0.01
REL_TOL = 1e-6


@dataclass
class Instance:
    name: str
    n: int
    m: int
    kind: str
    low: np.ndarray
    high: np.ndarray
    weights: np.ndarray


def read_instance(path: Path) -> Instance:
    tokens = path.read_text().split()
    n, m, kind = int(tokens[0]), int(tokens[1]), tokens[2]
    if kind not in KINDS:
        raise ValueError(f"{path.name}: kind {kind!r} is not ss/ds")
    bounds = np.array(tokens[3 : 3 + 2 * m], dtype=np.int64).reshape(m, 2)
    triples = np.array(tokens[3 + 2 * m :], dtype=np.float64).reshape(-1, 3)
    if len(triples) != n * (n - 1) // 2:
        raise ValueError(f"{path.name}: {len(triples)} pair lines, expected {n * (n - 1) // 2}")
    i = triples[:, 0].astype(np.int64)
    j = triples[:, 1].astype(np.int64)
    w = np.zeros((n, n), dtype=np.float64)
    w[i, j] = triples[:, 2]
    w[j, i] = triples[:, 2]
    if np.count_nonzero(np.triu(w, 1) != 0) > len(triples) or np.any(i == j):
        raise ValueError(f"{path.name}: bad pair list")
    low, high = bounds[:, 0].copy(), bounds[:, 1].copy()
    if low.sum() > n or high.sum() < n or np.any(low > high):
        raise ValueError(f"{path.name}: infeasible bounds")
    return Instance(path.stem, n, m, kind, low, high, w)


def instance_path(root: Path, name: str) -> Path:
    return root / name.split("_", 1)[0] / f"{name}.txt"


def verify(inst: Instance, weights: np.ndarray, grouping) -> tuple[float, str]:
    """Recomputed value (from ``weights``) and '' if the grouping is valid, else the reason."""
    try:
        a = np.asarray(grouping.assignment)
        reported = float(grouping.value)
    except Exception as exc:  # report whatever is wrong
        return float("nan"), f"unreadable result: {exc!r}"
    if a.shape != (inst.n,):
        return float("nan"), f"assignment shape {a.shape}, expected ({inst.n},)"
    if not np.issubdtype(a.dtype, np.integer):
        if not (np.issubdtype(a.dtype, np.floating) and np.all(a == np.round(a))):
            return float("nan"), f"assignment dtype {a.dtype} is not integer"
        a = a.astype(np.int64)
    if a.min() < 0 or a.max() >= inst.m:
        return float("nan"), f"group ids {a.min()}..{a.max()} outside 0..{inst.m - 1}"
    sizes = np.bincount(a, minlength=inst.m)
    bad = [g for g in range(inst.m) if not inst.low[g] <= sizes[g] <= inst.high[g]]
    if bad:
        g = bad[0]
        return float("nan"), (
            f"{len(bad)} group(s) out of bounds, e.g. group {g} has {sizes[g]} "
            f"not in [{inst.low[g]}, {inst.high[g]}]"
        )
    value = 0.0
    for g in range(inst.m):
        idx = np.flatnonzero(a == g)
        value += weights[np.ix_(idx, idx)].sum() / 2.0
    if not np.isfinite(reported) or abs(reported - value) > REL_TOL * max(1.0, abs(value)):
        return value, f"reported value {reported:.6f} != recomputed {value:.6f}"
    return value, ""


@dataclass
class Run:
    name: str
    n: int
    limit: float
    seconds: float
    value: float
    problem: str  # '' when valid


def solve(inst: Instance, limit: float, seed: int) -> Run:
    from touchpoints.core.plans.grouping import best_grouping

    w = inst.weights
    w_before = w.copy()
    t0 = time.perf_counter()
    try:
        g = best_grouping(w, inst.low.tolist(), inst.high.tolist(), time_limit=limit, seed=seed)
    except Exception as exc:  # a crash is a result of the benchmark
        traceback.print_exc(file=sys.stderr)
        return Run(
            inst.name,
            inst.n,
            limit,
            time.perf_counter() - t0,
            float("nan"),
            f"raised {type(exc).__name__}: {exc}",
        )
    seconds = time.perf_counter() - t0
    value, problem = verify(inst, w_before, g)
    if not np.array_equal(w, w_before):
        problem = (problem + "; " if problem else "") + "weight matrix was modified"
    return Run(inst.name, inst.n, limit, seconds, value, problem)


def progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fmt(x: float, digits: int = 2) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:,.{digits}f}"


# ---------------------------------------------------------------- exact optima


def exact_table(root: Path, scale: float, seed: int, only: str | None) -> bool:
    optima = {}
    with open(root / "exact_opt_n10_n12.csv", newline="") as f:
        for row in csv.DictReader(f):
            optima[row["instance"]] = float(row["opt"])
    names = sorted(k for k in optima if not only or only in k)
    runs: list[tuple[Run, float]] = []
    for k, name in enumerate(names, 1):
        inst = read_instance(instance_path(root, name))
        run = solve(inst, TIME_LIMITS[inst.n] * scale, seed)
        runs.append((run, optima[name]))
        progress(
            f"[exact {k}/{len(names)}] {name} {fmt(run.value)} opt {optima[name]:.2f} "
            f"{run.seconds:.2f}s {run.problem}"
        )

    print(
        f"\n### 1. Exact optima (n = 10, 12) — {len(runs)} instances, "
        f"{fmt(TIME_LIMITS[10] * scale, 3)} s each, seed {seed}\n"
    )
    print(
        "Reference: `exact_opt_n10_n12.csv` (exact subset DP; `REFERENCE.md` §A). "
        f"Hit = within {HIT_TOL} of the optimum.\n"
    )
    print("| n | type | ss/ds | instances | hit | invalid | max time s |")
    print("|---|---|---|---:|---:|---:|---:|")
    ok_all = True
    for n in (10, 12):
        for t in TYPES:
            for kind in KINDS:
                sel = [
                    (r, o)
                    for r, o in runs
                    if r.n == n and r.name.startswith(f"{t}_") and f"_{kind}_" in r.name
                ]
                if not sel:
                    continue
                hit = sum(1 for r, o in sel if not r.problem and r.value >= o - HIT_TOL)
                inv = sum(1 for r, _ in sel if r.problem)
                print(
                    f"| {n} | {t} | {kind} | {len(sel)} | {hit} | {inv} | "
                    f"{max(r.seconds for r, _ in sel):.2f} |"
                )
    hits = sum(1 for r, o in runs if not r.problem and r.value >= o - HIT_TOL)
    invalid = [r for r, _ in runs if r.problem]
    print(
        f"| **all** | | | **{len(runs)}** | **{hits}** | **{len(invalid)}** | "
        f"{max((r.seconds for r, _ in runs), default=0):.2f} |"
    )

    misses = [(r, o) for r, o in runs if r.problem or r.value < o - HIT_TOL]
    above = [(r, o) for r, o in runs if not r.problem and r.value > o + HIT_TOL]
    if misses:
        print("\nMisses:\n")
        print("| instance | optimum | reached | gap | gap % | time s | problem |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for r, o in misses:
            print(
                f"| {r.name} | {o:.2f} | {fmt(r.value)} | {fmt(o - r.value)} | "
                f"{fmt(100 * (o - r.value) / o, 3)} | {r.seconds:.2f} | {r.problem or ''} |"
            )
    else:
        print("\nNo misses.")
    if above:
        ok_all = False  # an answer above a proven optimum means the check or the data is wrong
        print(
            "\n**Above the exact optimum (should be impossible):** "
            + ", ".join(f"{r.name} {r.value:.2f} > {o:.2f}" for r, o in above)
        )
    return ok_all and not invalid  # misses alone do not fail the run; invalid answers do


# ---------------------------------------------------------------- larger instances


def read_bks(reference_md: Path) -> dict[str, float]:
    """Per-instance best-known values from the `| instance | 01 | 02 | ... |` tables."""
    bks: dict[str, float] = {}
    cols: list[str] | None = None
    for line in reference_md.read_text().splitlines():
        if not line.startswith("|"):
            cols = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not cells:
            cols = None
            continue
        if cells[0] == "instance" and all(re.fullmatch(r"\d\d", c) for c in cells[1:]):
            cols = cells[1:]
            continue
        if cols and re.fullmatch(r"(Geo|RanInt|RanReal)_n\d+_(ss|ds)", cells[0]):
            for c, v in zip(cols, cells[1:], strict=False):
                if re.fullmatch(r"\d+(\.\d+)?", v):
                    bks[f"{cells[0]}_{c}"] = float(v)
    return bks


def read_ims(path: Path) -> dict[str, tuple[float, float]]:
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row.get("feasible_checked", "1") == "1":
                out[row["instance"]] = (float(row["objective"]), float(row["time_limit_s"]))
    return out


def large_table(
    root: Path, sizes: list[int], per_type: int, scale: float, seed: int, only: str | None
) -> bool:
    bks = read_bks(root / "REFERENCE.md")
    ims = read_ims(root / "ims_reference_dev.csv")
    progress(
        f"references: {len(bks)} best-known values (REFERENCE.md §C), "
        f"{len(ims)} IMS runs (ims_reference_dev.csv)"
    )
    names = []
    for n in sizes:
        for t in TYPES:
            for kind in KINDS:
                for k in range(1, per_type + 1):
                    name = f"{t}_n{n:03d}_{kind}_{k:02d}"
                    if only and only not in name:
                        continue
                    if instance_path(root, name).exists():
                        names.append(name)
                    else:
                        progress(f"(no file for {name}, skipped)")
    runs: list[Run] = []
    for k, name in enumerate(names, 1):
        inst = read_instance(instance_path(root, name))
        if inst.n not in TIME_LIMITS:
            sys.exit(f"no time limit defined for n = {inst.n}")
        run = solve(inst, TIME_LIMITS[inst.n] * scale, seed)
        runs.append(run)
        progress(
            f"[large {k}/{len(names)}] {name} {fmt(run.value)} in {run.seconds:.1f}s "
            f"(limit {run.limit:g}s) {run.problem}"
        )

    print(
        f"\n### 2. Larger instances — time limit × {scale:g}, seed {seed}, "
        f"{per_type} per type and ss/ds\n"
    )
    print(
        "References: **BKS** = provisional best-known value, `REFERENCE.md` §C (RanInt ds only); "
        "**IMS** = Lai & Hao's Iterated Maxima Search, one run, `ims_reference_dev.csv` "
        "(its own time limit is given, e.g. `IMS 60s`). **ref** = the larger of the two, "
        "gap % = (ref − value) / ref; negative = better than the reference. "
        "The mean is over instances with a reference.\n"
    )
    print(
        "| instance | limit s | time s | value | BKS (§C) | IMS (limit) | gap vs IMS % "
        "| ref (source) | gap vs ref % | check |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---|")
    by_size: dict[int, list[float]] = {}
    ims_by_size: dict[int, list[float]] = {}
    ok = True
    for r in runs:
        b = bks.get(r.name)
        im = ims.get(r.name)
        refs = []
        if b is not None:
            refs.append((b, "BKS §C"))
        if im is not None:
            refs.append((im[0], f"IMS {im[1]:g}s"))
        ref = max(refs) if refs else None
        valid = not r.problem
        ok &= valid
        gap = 100 * (ref[0] - r.value) / ref[0] if ref and valid else float("nan")
        gap_ims = 100 * (im[0] - r.value) / im[0] if im and valid else float("nan")
        if ref and valid:
            by_size.setdefault(r.n, []).append(gap)
        if im and valid:
            ims_by_size.setdefault(r.n, []).append(gap_ims)
        print(
            f"| {r.name} | {r.limit:g} | {r.seconds:.1f} | {fmt(r.value)} | "
            f"{fmt(b) if b is not None else '–'} | "
            f"{f'{im[0]:,.2f} ({im[1]:g}s)' if im else '–'} | {fmt(gap_ims, 3)} | "
            f"{f'{ref[0]:,.2f} ({ref[1]})' if ref else '–'} | {fmt(gap, 3)} | "
            f"{'ok' if valid else 'INVALID: ' + r.problem} |"
        )

    print(
        "\n| n | instances | valid | with ref | mean gap vs ref % | max gap vs ref % "
        "| mean gap vs IMS % | target ≤ 0.5 % |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in sizes:
        sel = [r for r in runs if r.n == n]
        if not sel:
            continue
        gaps = by_size.get(n, [])
        gi = ims_by_size.get(n, [])
        mean = float(np.mean(gaps)) if gaps else float("nan")
        met = "–" if not gaps else ("yes" if mean <= 0.5 else "**no**")
        print(
            f"| {n} | {len(sel)} | {sum(not r.problem for r in sel)} | {len(gaps)} | "
            f"{fmt(mean, 3)} | {fmt(max(gaps) if gaps else float('nan'), 3)} | "
            f"{fmt(float(np.mean(gi)) if gi else float('nan'), 3)} | {met} |"
        )
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[120, 240, 480],
        help="n of the larger instances (default 120 240 480)",
    )
    ap.add_argument(
        "--per-type",
        type=int,
        default=1,
        help="instances _01.._K of each type x ss/ds (default 1; 10 = all)",
    )
    ap.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every time limit (e.g. 0.1 for a quick check)",
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tables", nargs="+", choices=["exact", "large"], default=["exact", "large"])
    ap.add_argument("--only", help="keep instances whose name contains this string")
    args = ap.parse_args()

    root = bench_data("mdgp")
    try:
        import touchpoints.core.plans.grouping  # noqa: F401
    except ImportError as exc:
        sys.exit(f"the solver is not importable: {exc}")
    t0 = time.perf_counter()
    ok = True
    print(f"MDGPLIB from {root}; command: python bench/mdgp.py {' '.join(sys.argv[1:])}")
    if "exact" in args.tables:
        ok &= exact_table(root, args.time_scale, args.seed, args.only)
    if "large" in args.tables:
        ok &= large_table(root, args.sizes, args.per_type, args.time_scale, args.seed, args.only)
    print(f"\nTotal wall time {time.perf_counter() - t0:.0f} s.")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
