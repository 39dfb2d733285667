"""Swap people between tables, round by round, until no pair meets twice.

A plan of rounds seats the same people again and again: ``seatings[r][i]`` is person
i's table in round r. A pair *meets* once for every round in which it shares a table,
and once more if it met before (the history). The *conflicts* of a plan are the
meetings beyond the first, over all pairs; with no history, a plan without conflicts
solves the Social Golfer Problem (CSPLib prob010).

:func:`remove_repeats` lowers the conflicts by swapping two people at different tables
of one round, so every table keeps its size. It is the tabu search of Dotú and Van
Hentenryck [1]_, compiled:

* each step makes the best swap that moves someone who is in a conflict in that round
  (ties at random), even when it makes things worse;
* a swap is scored in constant time from the meetings of every pair and, per round,
  person and table, how many people at that table the person has met once or twice;
* a person may not go back to the table they just left, in that round, for a few
  steps (unless that gives the best plan yet);
* after a long run without a new best plan, the search goes back to the best plan and
  kicks it with a few random swaps.

.. [1] I. Dotú, P. Van Hentenryck, "Scheduling social golfers locally", CPAIOR 2005.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from touchpoints.core.plans._jit import jit

__all__ = ["conflicts", "remove_repeats"]

IntArray = npt.NDArray[np.int64]
Counts = npt.NDArray[np.int16]

#: Meetings of a pair whose repeats do not count: so far below zero it never reaches 2.
_EXEMPT = -16000
#: Most rounds the int16 meeting counts allow next to ``_EXEMPT``.
_MAX_ROUNDS = 8000
#: Steps without a new best plan before the search goes back to the best one.
_MAX_STABLE = 400
#: A restart kicks the best plan with 1 to this many random swaps.
_MAX_KICKS = 6
#: A person may not return to the table they left for this many steps (uniform).
_TENURE_LOW, _TENURE_HIGH = 2, 6
#: A step looks at the swaps of at most this many (round, person) in a conflict.
_MAX_MOVERS = 512
#: The tabu clock restarts from zero here (int32 tabu marks).
_CLOCK_WRAP = 1 << 30


def conflicts(
    seatings: Sequence[IntArray],
    met_before: IntArray | None = None,
    exempt: IntArray | None = None,
) -> int:
    """Meetings beyond the first, over all pairs.

    Parameters
    ----------
    seatings : sequence of (n,) int arrays
        ``seatings[r][i]`` is person i's table in round r.
    met_before : (k, 2) int array, optional
        Pairs who met before: one meeting each.
    exempt : (k, 2) int array, optional
        Pairs whose meetings never count.

    Returns
    -------
    int

    Examples
    --------
    >>> import numpy as np
    >>> conflicts([np.array([0, 0, 1, 1]), np.array([0, 0, 1, 1])])
    2
    >>> conflicts([np.array([0, 0, 1, 1])], met_before=np.array([[2, 3]]))
    1
    """
    n = len(seatings[0]) if len(seatings) else 0
    count = _meetings(seatings, n, met_before, exempt).astype(np.int64)
    return int(np.triu(np.clip(count - 1, 0, None), 1).sum())


def remove_repeats(
    seatings: Sequence[IntArray],
    *,
    met_before: IntArray | None = None,
    apart: IntArray | None = None,
    exempt: IntArray | None = None,
    movable: npt.NDArray[np.bool_] | None = None,
    needs: npt.NDArray[np.uint64] | None = None,
    has: npt.NDArray[np.uint64] | None = None,
    values: npt.NDArray[np.float64] | None = None,
    time_limit: float = 1.0,
    max_steps: int | None = None,
    seed: int = 0,
    stop: Callable[[], bool] | None = None,
) -> list[IntArray]:
    """Return new seatings (inputs untouched) with as few conflicts as found; stop as
    soon as there are none.

    Only swaps of two people at different tables of one round are made, so each round
    keeps its table sizes, and no swap breaks a rule the input keeps.

    Parameters
    ----------
    seatings : sequence of (n,) int arrays
        ``seatings[r][i]`` is person i's table (0..m-1) in round r.
    met_before : (k, 2) int array, optional
        Pairs who met before (history): one meeting each.
    apart : (k, 2) int array, optional
        Pairs that must never share a table (the input keeps them apart).
    exempt : (k, 2) int array, optional
        Pairs whose repeated meetings do not count (kept together on purpose).
    movable : (n,) bool array, optional
        False for people who are never swapped (pinned seats, kept together).
    needs : (n,) uint64 array, optional
        Tag bits a person needs at their table (0: none).
    has : (m,) uint64 array, optional
        Tag bits of each table: person i may sit at table t only if
        ``needs[i] & ~has[t] == 0``.
    values : (n, n) float array, optional
        Symmetric common-ground values. Among the swaps that change the conflicts
        alike, the one keeping the most value at the tables wins; among plans with
        equally few conflicts, the one with the most value is returned.
    time_limit : float
        Seconds to search, after setting up (and, on the first call of an
        installation, compiling: about 15 s, once).
    max_steps : int, optional
        Most search steps. With a time limit that does not cut it short, the same
        seed and steps give the same seatings.
    seed : int
        Seed of the random choices.
    stop : callable, optional
        Asked every few milliseconds: True ends the search early (with the best found).

    Returns
    -------
    list of (n,) int64 arrays

    Raises
    ------
    ValueError
        When the seatings are not rounds of the same people, or break a rule.
    """
    rounds = _rounds(seatings)
    n_rounds, n = rounds.shape
    if n == 0:
        return [row.copy() for row in rounds]
    m = int(rounds.max()) + 1 if has is None else max(int(rounds.max()) + 1, len(has))
    free = np.ones(n, dtype=np.bool_) if movable is None else np.asarray(movable, dtype=np.bool_)
    if free.shape != (n,):
        raise ValueError(f"movable must have one flag per person ({n}), got {free.shape}")
    allowed = _allowed(needs, has, n, m)
    if not allowed[np.arange(n)[None, :], rounds].all():
        raise ValueError("the seatings seat someone at a table without the tags they need")
    starts, partners = _adjacency(apart, n)
    if _apart_together(rounds, starts, partners):
        raise ValueError("the seatings seat a pair that must be kept apart together")
    weights = np.zeros((1, 1)) if values is None else np.asarray(values, dtype=np.float64)
    if values is not None and weights.shape != (n, n):
        raise ValueError(f"values must be {n} x {n}, got {weights.shape}")

    base = _meetings([], n, met_before, exempt)
    count = base.copy()
    sizes = max(int(np.bincount(row).max()) for row in rounds)
    members = np.full((n_rounds, m, sizes), -1, dtype=np.int64)
    seat = np.zeros((n_rounds, n), dtype=np.int64)
    once = np.zeros((n_rounds, n, m), dtype=np.int16)
    twice = np.zeros((n_rounds, n, m), dtype=np.int16)
    objective = _rebuild(rounds, base, count, once, twice, members, seat)
    fixed = ~free[:, None] & ~free[None, :]  # pairs nobody can separate
    floor = int(np.triu(np.clip(count.astype(np.int64) - 1, 0, None) * fixed, 1).sum())
    value = _table_value(rounds, weights) if values is not None else 0.0

    best = rounds.copy()
    tabu = np.zeros((n_rounds, n, m), dtype=np.int32)
    # step, steps since the best, conflicts, best conflicts, tabu clock, stuck (0/1)
    ints = np.array([0, 0, objective, objective, 0, 0], dtype=np.int64)
    floats = np.array([value, value])  # value at the tables now, in the best plan
    rng = np.array([seed & 0xFFFFFFFFFFFFFFFF], dtype=np.uint64)
    tuning = np.array([_MAX_STABLE, _MAX_KICKS, _TENURE_LOW, _TENURE_HIGH, _MAX_MOVERS])
    budget = np.iinfo(np.int64).max if max_steps is None else max_steps

    def search(steps: int) -> None:
        _search(
            rounds, count, once, twice, members, seat, base, allowed, starts, partners,
            free, weights, values is not None, tabu, best, ints, floats, rng, steps, floor,
            tuning,
        )  # fmt: skip

    search(0)  # compiles on the first call of an installation: not search time
    deadline = time.perf_counter() + time_limit
    chunk = 64
    while ints[3] > floor and not ints[5] and ints[0] < budget:
        if time.perf_counter() >= deadline or (stop is not None and stop()):
            break
        began = time.perf_counter()
        search(min(chunk, budget - int(ints[0])))
        took = time.perf_counter() - began  # aim at ~20 ms between looks at the clock
        chunk = int(min(max(chunk * 0.02 / max(took, 1e-6), 16), 1 << 20))
    return [row.copy() for row in best]


def _rounds(seatings: Sequence[IntArray]) -> IntArray:
    if not len(seatings):
        raise ValueError("seatings must hold at least one round")
    if len(seatings) > _MAX_ROUNDS:
        raise ValueError(f"at most {_MAX_ROUNDS} rounds, got {len(seatings)}")
    lengths = {len(s) for s in seatings}
    if len(lengths) != 1:
        raise ValueError(f"every round must seat the same people, got lengths {lengths}")
    rounds = np.array([np.asarray(s, dtype=np.int64) for s in seatings], dtype=np.int64)
    if rounds.size and rounds.min() < 0:
        raise ValueError("tables are numbered from 0")
    return rounds


def _pairs(pairs: IntArray | None) -> IntArray:
    if pairs is None:
        return np.zeros((0, 2), dtype=np.int64)
    array = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    distinct: IntArray = array[array[:, 0] != array[:, 1]]
    return distinct


def _meetings(
    seatings: Sequence[IntArray], n: int, met_before: IntArray | None, exempt: IntArray | None
) -> Counts:
    """Meetings of every pair: one for the history, one per round at the same table;
    ``_EXEMPT`` for exempt pairs."""
    count = np.zeros((n, n), dtype=np.int16)
    history = _pairs(met_before)
    count[history[:, 0], history[:, 1]] = count[history[:, 1], history[:, 0]] = 1
    for seating in seatings:
        table = np.asarray(seating)
        count += table[:, None] == table[None, :]
    np.fill_diagonal(count, 0)
    kept = _pairs(exempt)
    count[kept[:, 0], kept[:, 1]] = count[kept[:, 1], kept[:, 0]] = _EXEMPT
    return count


def _allowed(
    needs: npt.NDArray[np.uint64] | None, has: npt.NDArray[np.uint64] | None, n: int, m: int
) -> npt.NDArray[np.bool_]:
    """``allowed[i, t]``: table t has every tag person i needs."""
    if needs is None:
        return np.ones((n, m), dtype=np.bool_)
    need = np.asarray(needs, dtype=np.uint64)
    if need.shape != (n,):
        raise ValueError(f"needs must have one entry per person ({n}), got {need.shape}")
    tags = np.zeros(m, dtype=np.uint64)
    if has is not None:
        tags[: len(has)] = np.asarray(has, dtype=np.uint64)
    allowed: npt.NDArray[np.bool_] = (need[:, None] & ~tags[None, :]) == 0
    return allowed


def _adjacency(pairs: IntArray | None, n: int) -> tuple[IntArray, IntArray]:
    """Each person's partners in ``pairs``: ``partners[starts[i]:starts[i + 1]]``."""
    array = _pairs(pairs)
    both = np.concatenate([array, array[:, ::-1]])
    both = both[np.lexsort((both[:, 1], both[:, 0]))]
    starts = np.searchsorted(both[:, 0], np.arange(n + 1)).astype(np.int64)
    return starts, np.ascontiguousarray(both[:, 1], dtype=np.int64)


def _apart_together(rounds: IntArray, starts: IntArray, partners: IntArray) -> bool:
    people = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
    return bool((rounds[:, people] == rounds[:, partners]).any())


def _table_value(rounds: IntArray, values: npt.NDArray[np.float64]) -> float:
    """Sum of ``values`` over the pairs at a table, round by round."""
    total = 0.0
    for row in rounds:
        together = row[:, None] == row[None, :]
        total += float(np.triu(np.where(together, values, 0.0), 1).sum())
    return total


# --- compiled loops -------------------------------------------------------------------


@jit
def _random(rng: npt.NDArray[np.uint64]) -> np.uint64:
    """splitmix64: the next 64 random bits of the stream whose state is ``rng[0]``."""
    x = rng[0] + np.uint64(0x9E3779B97F4A7C15)
    rng[0] = x
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    bits: np.uint64 = x ^ (x >> np.uint64(31))
    return bits


@jit
def _below(rng: npt.NDArray[np.uint64], k: int) -> int:
    """A random integer in [0, k)."""
    return int(_random(rng) % np.uint64(k))


@jit
def _rebuild(
    rounds: IntArray,
    base: Counts,
    count: Counts,
    once: Counts,
    twice: Counts,
    members: IntArray,
    seat: IntArray,
) -> int:
    """Recount everything for ``rounds``; return the conflicts.

    ``once[r, i, t]`` (``twice``) counts the people at table t in round r whom i meets
    at least once (twice) in all; ``members[r, t]`` lists table t, ``seat[r, i]`` is
    i's place in that list.
    """
    n_rounds, n = rounds.shape
    count[:, :] = base
    members[:, :, :] = -1
    filled = np.zeros(members.shape[1], dtype=np.int64)
    for r in range(n_rounds):
        filled[:] = 0
        for i in range(n):
            t = rounds[r, i]
            members[r, t, filled[t]] = i
            seat[r, i] = filled[t]
            filled[t] += 1
        for t in range(members.shape[1]):
            for k in range(filled[t]):
                for q in range(k + 1, filled[t]):
                    count[members[r, t, k], members[r, t, q]] += 1
                    count[members[r, t, q], members[r, t, k]] += 1
    once[:, :, :] = 0
    twice[:, :, :] = 0
    total = 0
    for i in range(n):
        for j in range(n):
            c = count[i, j]
            if c >= 1 and i != j:
                if j > i:
                    total += c - 1
                for r in range(n_rounds):
                    once[r, i, rounds[r, j]] += 1
                    if c >= 2:
                        twice[r, i, rounds[r, j]] += 1
    return total


@jit
def _meet(
    rounds: IntArray, count: Counts, once: Counts, twice: Counts, i: int, j: int, step: int
) -> int:
    """Add ``step`` (+1 or -1) meetings to pair (i, j); return the change in conflicts.

    People whose table in ``rounds`` is -1 (between leaving and joining) are skipped.
    """
    old = int(count[i, j])
    new = old + step
    count[i, j] = new
    count[j, i] = new
    up1 = np.int16(int(new >= 1) - int(old >= 1))
    up2 = np.int16(int(new >= 2) - int(old >= 2))
    if up1 != 0 or up2 != 0:
        for r in range(rounds.shape[0]):
            ti = rounds[r, i]
            tj = rounds[r, j]
            if ti >= 0 and tj >= 0:
                once[r, j, ti] += up1
                once[r, i, tj] += up1
                twice[r, j, ti] += up2
                twice[r, i, tj] += up2
    return max(new - 1, 0) - max(old - 1, 0)


@jit
def _leave_or_join(
    rounds: IntArray,
    count: Counts,
    once: Counts,
    twice: Counts,
    members: IntArray,
    r: int,
    p: int,
    t: int,
    step: int,
) -> int:
    """Take person p from table t of round r (step -1) or seat them there (step +1),
    keeping every count; return the change in conflicts. The table's member list is
    read, not written: p's tablemates are the listed people whose table is t."""
    n = rounds.shape[1]
    delta = 0
    if step > 0:
        rounds[r, p] = t
    else:
        for k in range(members.shape[2]):
            j = members[r, t, k]
            if j >= 0 and j != p and rounds[r, j] == t:
                delta += _meet(rounds, count, once, twice, p, j, -1)
        rounds[r, p] = -1
    add = np.int16(step)
    for j in range(n):
        c = count[p, j]
        if c >= 1 and j != p:
            once[r, j, t] += add
            if c >= 2:
                twice[r, j, t] += add
    if step > 0:
        for k in range(members.shape[2]):
            j = members[r, t, k]
            if j >= 0 and j != p and rounds[r, j] == t:
                delta += _meet(rounds, count, once, twice, p, j, 1)
    return delta


@jit
def _swap(
    rounds: IntArray,
    count: Counts,
    once: Counts,
    twice: Counts,
    members: IntArray,
    seat: IntArray,
    r: int,
    a: int,
    b: int,
) -> int:
    """Swap the tables of a and b in round r; return the change in conflicts."""
    ta = rounds[r, a]
    tb = rounds[r, b]
    delta = _leave_or_join(rounds, count, once, twice, members, r, a, ta, -1)
    delta += _leave_or_join(rounds, count, once, twice, members, r, b, tb, -1)
    delta += _leave_or_join(rounds, count, once, twice, members, r, a, tb, 1)
    delta += _leave_or_join(rounds, count, once, twice, members, r, b, ta, 1)
    sa = seat[r, a]
    sb = seat[r, b]
    members[r, ta, sa] = b
    members[r, tb, sb] = a
    seat[r, a] = sb
    seat[r, b] = sa
    return delta


@jit
def _may_swap(
    rounds: IntArray,
    allowed: npt.NDArray[np.bool_],
    starts: IntArray,
    partners: IntArray,
    r: int,
    a: int,
    b: int,
) -> bool:
    """Whether a and b may trade tables in round r (tags and pairs kept apart)."""
    ta = rounds[r, a]
    tb = rounds[r, b]
    if not allowed[a, tb] or not allowed[b, ta]:
        return False
    for k in range(starts[a], starts[a + 1]):
        q = partners[k]
        if q != b and rounds[r, q] == tb:
            return False
    for k in range(starts[b], starts[b + 1]):
        q = partners[k]
        if q != a and rounds[r, q] == ta:
            return False
    return True


@jit
def _kept_value(
    rounds: IntArray, members: IntArray, values: npt.NDArray[np.float64], r: int, a: int, b: int
) -> float:
    """Change in the value at the tables if a and b trade tables in round r."""
    ta = rounds[r, a]
    tb = rounds[r, b]
    gain = 0.0
    for k in range(members.shape[2]):
        j = members[r, ta, k]
        if j >= 0 and j != a:
            gain += values[b, j] - values[a, j]
        j = members[r, tb, k]
        if j >= 0 and j != b:
            gain += values[a, j] - values[b, j]
    return gain


@jit
def _search(
    rounds: IntArray,
    count: Counts,
    once: Counts,
    twice: Counts,
    members: IntArray,
    seat: IntArray,
    base: Counts,
    allowed: npt.NDArray[np.bool_],
    starts: IntArray,
    partners: IntArray,
    movable: npt.NDArray[np.bool_],
    values: npt.NDArray[np.float64],
    use_values: bool,
    tabu: npt.NDArray[np.int32],
    best: IntArray,
    ints: IntArray,
    floats: npt.NDArray[np.float64],
    rng: npt.NDArray[np.uint64],
    steps: int,
    floor: int,
    tuning: IntArray,
) -> None:
    """Run up to ``steps`` steps of the tabu search.

    ``ints`` (step, steps since the best, conflicts, best conflicts, tabu clock, stuck)
    and ``floats`` (value now, value of the best) carry the search from call to call;
    ``tuning`` is (stable steps before a restart, most kicks, lowest and highest tabu
    tenure, most movers looked at per step).
    """
    n_rounds, n = rounds.shape
    max_stable, max_kicks, tenure_low, tenure_high, max_movers = (
        tuning[0], tuning[1], tuning[2], tuning[3], tuning[4]
    )  # fmt: skip
    step, stall, objective, record, clock = ints[0], ints[1], ints[2], ints[3], ints[4]
    value, best_value = floats[0], floats[1]
    movers_r = np.empty(n_rounds * n, dtype=np.int64)
    movers_p = np.empty(n_rounds * n, dtype=np.int64)
    for _ in range(steps):
        if record <= floor:
            break
        step += 1
        clock += 1
        if clock >= _CLOCK_WRAP:
            clock = 1
            tabu[:, :, :] = 0
        found = 0
        for r in range(n_rounds):
            for a in range(n):
                if movable[a] and twice[r, a, rounds[r, a]] > 0:
                    movers_r[found] = r
                    movers_p[found] = a
                    found += 1
        if found == 0:  # every conflict is between people who stay put
            ints[5] = 1
            break
        looked = found
        if found > max_movers:  # many conflicts: a random sample of the movers
            looked = max_movers
            for k in range(looked):
                pick = k + _below(rng, found - k)
                movers_r[k], movers_r[pick] = movers_r[pick], movers_r[k]
                movers_p[k], movers_p[pick] = movers_p[pick], movers_p[k]
        best_delta = 1 << 30
        best_gain = -np.inf
        ties = 0
        chosen_r = chosen_a = chosen_b = -1
        for k in range(looked):
            r = movers_r[k]
            a = movers_p[k]
            ta = rounds[r, a]
            leave_a = twice[r, a, ta]
            for b in range(n):
                tb = rounds[r, b]
                if tb == ta or not movable[b]:
                    continue
                leave_b = twice[r, b, tb]
                if leave_b > 0 and b < a and looked == found:
                    continue  # both in a conflict: looked at as (b, a)
                both = 1 if count[a, b] >= 1 else 0
                delta = once[r, a, tb] + once[r, b, ta] - 2 * both - leave_a - leave_b
                if delta > best_delta:
                    continue
                if (tabu[r, a, tb] > clock or tabu[r, b, ta] > clock) and (
                    objective + delta >= record
                ):
                    continue
                if not _may_swap(rounds, allowed, starts, partners, r, a, b):
                    continue
                gain = _kept_value(rounds, members, values, r, a, b) if use_values else 0.0
                if delta < best_delta or gain > best_gain + 1e-9:
                    best_delta = delta
                    best_gain = gain
                    ties = 1
                    chosen_r, chosen_a, chosen_b = r, a, b
                elif gain >= best_gain - 1e-9:
                    ties += 1
                    if _below(rng, ties) == 0:
                        chosen_r, chosen_a, chosen_b = r, a, b
        if chosen_r >= 0:
            ta = rounds[chosen_r, chosen_a]
            tb = rounds[chosen_r, chosen_b]
            objective += _swap(
                rounds, count, once, twice, members, seat, chosen_r, chosen_a, chosen_b
            )
            value += best_gain
            span = tenure_high - tenure_low + 1
            tabu[chosen_r, chosen_a, ta] = clock + tenure_low + _below(rng, span)
            tabu[chosen_r, chosen_b, tb] = clock + tenure_low + _below(rng, span)
        if objective < record or (use_values and objective == record and value > best_value + 1e-9):
            if objective < record:
                stall = 0
            record = objective
            best_value = value
            best[:, :] = rounds
        else:
            stall += 1
        if stall >= max_stable or chosen_r < 0:  # back to the best plan, with a kick
            rounds[:, :] = best
            objective = _rebuild(rounds, base, count, once, twice, members, seat)
            value = best_value
            kicks = 1 + _below(rng, max_kicks)
            for _try in range(4 * kicks):
                r = _below(rng, n_rounds)
                a = _below(rng, n)
                b = _below(rng, n)
                if (
                    movable[a]
                    and movable[b]
                    and rounds[r, a] != rounds[r, b]
                    and _may_swap(rounds, allowed, starts, partners, r, a, b)
                ):
                    if use_values:
                        value += _kept_value(rounds, members, values, r, a, b)
                    objective += _swap(rounds, count, once, twice, members, seat, r, a, b)
                    kicks -= 1
                    if kicks == 0:
                        break
            tabu[:, :, :] = 0
            clock = 0
            stall = 0
    ints[0], ints[1], ints[2], ints[3], ints[4] = step, stall, objective, record, clock
    floats[0], floats[1] = value, best_value
