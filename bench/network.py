#!/usr/bin/env python3
"""The organizer's touchpoint dashboard: each network measure, the layout and the SVG,
timed on a synthetic event (gh-6).

The event is seeded: ``--attendees`` people (default 3,000), ``--ties`` distinct random
pairs who met (default 20,000), at times spread uniformly over 8 hours, each sparked by
one of 200 topic labels (Zipf-like: a few popular ones) or, for one in five, by none.
Organizations: one of 400 for 90% of people, none for the rest; acquaintances: 1,500
random "already knew each other" pairs. Nothing is timed while building it.

Each step runs ``--repeat`` times (default 3); the table shows the fastest, in ms, and
the SVG's size in KB.

    python bench/network.py
    python bench/network.py --attendees 1000 --ties 5000 --repeat 1

Target: layout under about 2 s for 3,000 people and 20,000 ties on a 2-core box.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from collections.abc import Callable

from touchpoints.core.network import (
    Tie,
    cliques,
    distribution,
    isolated,
    layout,
    over_time,
    tie_kinds,
    topics_sparked,
    touchpoints_per_attendee,
)
from touchpoints.web.network_picture import network_svg

START = datetime.datetime(2025, 5, 1, 9, 0)


def synthetic_event(
    attendees: int, ties: int, seed: int
) -> tuple[list[str], dict[str, str], list[Tie], dict[str, str | None], list[tuple[str, str]]]:
    """People, their labels, ties, organizations and acquaintance pairs (seeded)."""
    rng = random.Random(seed)
    ids = [f"a{i:05d}" for i in range(attendees)]
    labels = {person: f"Attendee {i}" for i, person in enumerate(ids)}
    topics = [f"topic {i}" for i in range(200)]
    weights = [1 / (rank + 1) for rank in range(len(topics))]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < ties:
        a, b = rng.sample(range(attendees), 2)
        pairs.add((min(a, b), max(a, b)))
    made = [
        Tie(
            ids[a],
            ids[b],
            START + datetime.timedelta(seconds=rng.uniform(0, 8 * 3600)),
            rng.choices(topics, weights)[0] if rng.random() < 0.8 else None,
        )
        for a, b in sorted(pairs)
    ]
    organization = {
        person: f"Org {rng.randrange(400)}" if rng.random() < 0.9 else None for person in ids
    }
    known = [(a, b) for a, b in (rng.sample(ids, 2) for _ in range(1500))]
    return ids, labels, made, organization, known


def best_ms(step: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = step()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=3000)
    parser.add_argument("--ties", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ids, labels, ties, organization, known = synthetic_event(args.attendees, args.ties, args.seed)
    counts = touchpoints_per_attendee(ids, ties)
    groups = cliques(ids, known)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("touchpoints_per_attendee", lambda: touchpoints_per_attendee(ids, ties)),
        ("distribution", lambda: distribution(counts)),
        ("over_time (24 buckets)", lambda: over_time(ties)),
        ("isolated", lambda: isolated(ids, ties)),
        ("cliques (1,500 pairs)", lambda: cliques(ids, known)),
        ("tie_kinds", lambda: tie_kinds(ties, organization, groups)),
        ("topics_sparked", lambda: topics_sparked(ties)),
        ("layout", lambda: layout(ids, ties, seed=args.seed)),
    ]
    print(f"{args.attendees} attendees, {len(ties)} ties, best of {args.repeat}\n")
    print(f"| {'step':<26} | {'ms':>8} |")
    print(f"|{'-' * 28}|{'-' * 9}:|")
    for name, step in steps:
        ms, _ = best_ms(step, args.repeat)
        print(f"| {name:<26} | {ms:>8.1f} |")
    positions = layout(ids, ties, seed=args.seed)
    ms, svg = best_ms(lambda: network_svg(positions, ties, labels), args.repeat)
    print(f"| {'network_svg':<26} | {ms:>8.1f} |")
    print(f"\nSVG: {len(str(svg).encode()) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
