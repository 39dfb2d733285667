from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpoints.core.plans.repeats import conflicts, remove_repeats


def _random_rounds(sizes, rounds, seed):
    rng = np.random.default_rng(seed)
    tables = np.repeat(np.arange(len(sizes)), sizes)
    return [rng.permutation(tables) for _ in range(rounds)]


def _pairs_together(seating):
    return {
        (a, b)
        for a, b in itertools.combinations(range(len(seating)), 2)
        if seating[a] == seating[b]
    }


def _assert_same_tables(before, after):
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert new.dtype == np.int64
        assert new.shape == old.shape  # everyone seated once per round
        assert np.array_equal(np.bincount(new, minlength=old.max() + 1), np.bincount(old))


def test_conflicts_counts_meetings_beyond_the_first():
    seatings = [np.array([0, 0, 0, 1, 1]), np.array([0, 0, 1, 1, 1]), np.array([0, 0, 1, 1, 0])]
    # (0, 1) meets 3 times: 2 conflicts; (2, 3) and (3, 4) twice: 1 each
    assert conflicts(seatings) == 4
    # history: (0, 4) met before and meets again: one more; (0, 3) never meets: none
    assert conflicts(seatings, met_before=np.array([[0, 4], [0, 3]])) == 5
    # exempt pairs never count, history or not
    assert conflicts(seatings, met_before=np.array([[0, 4]]), exempt=np.array([[1, 0]])) == 3


def test_remove_repeats_solves_kirkman_schoolgirls_from_identical_rounds():
    start = [np.repeat(np.arange(5), 3) for _ in range(7)]  # SGP 5-3-7
    assert conflicts(start) == 15 * 6  # 15 pairs, each meeting 6 times too often
    result = remove_repeats(start, time_limit=20, seed=1)
    assert conflicts(result) == 0
    _assert_same_tables(start, result)
    assert all(np.array_equal(s, np.repeat(np.arange(5), 3)) for s in start)  # untouched


def test_remove_repeats_clears_history_with_a_single_round():
    seating = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    history = np.array([[0, 1], [3, 4], [6, 8], [2, 5]])
    assert conflicts([seating], met_before=history) == 3
    [result] = remove_repeats([seating], met_before=history, time_limit=5, seed=3)
    assert conflicts([result], met_before=history) == 0
    _assert_same_tables([seating], [result])


def test_remove_repeats_does_not_count_exempt_pairs():
    start = [np.array([0, 0, 1, 1, 2, 2])] * 3
    kept = np.array([[0, 1], [2, 3], [4, 5]])  # couples seated together on purpose
    assert conflicts(start, exempt=kept) == 0
    result = remove_repeats(start, exempt=kept, time_limit=5)
    assert all(np.array_equal(r, start[0]) for r in result)  # nothing to do


def test_remove_repeats_keeps_every_rule():
    sizes, rounds = [4, 4, 4, 3], 5
    n = sum(sizes)
    start = _random_rounds(sizes, rounds, seed=7)
    pinned = np.array([0, 5])
    movable = np.ones(n, dtype=bool)
    movable[pinned] = False
    # person 9 needs a wheelchair-accessible table (bit 0): tables 0 and 2 are
    needs = np.zeros(n, dtype=np.uint64)
    has = np.array([1, 0, 1, 0], dtype=np.uint64)
    needs[9] = 1
    for seating in start:  # make the start respect the tag
        if not has[seating[9]]:
            other = next(i for i in range(n) if has[seating[i]] and movable[i])
            seating[9], seating[other] = seating[other], seating[9]
    apart = np.array([(a, b) for a in range(n) for b in range(a + 1, n)
                      if all(s[a] != s[b] for s in start)][:6])  # fmt: skip
    result = remove_repeats(
        start, apart=apart, movable=movable, needs=needs, has=has, time_limit=3, seed=2
    )
    _assert_same_tables(start, result)
    for old, new in zip(start, result, strict=True):
        assert np.array_equal(old[pinned], new[pinned])
        assert has[new[9]] & needs[9] == needs[9]
        together = _pairs_together(new)
        assert not any((int(a), int(b)) in together for a, b in apart)
    assert conflicts(result) <= conflicts(start)


def test_remove_repeats_is_deterministic_for_a_seed_and_step_budget():
    start = _random_rounds([4] * 6, 6, seed=0)
    first = remove_repeats(start, time_limit=60, max_steps=300, seed=11)
    again = remove_repeats(start, time_limit=60, max_steps=300, seed=11)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_remove_repeats_keeps_common_ground_among_equal_fixes():
    # one round, and 0 and 1 met before: any swap of 0 or 1 fixes it; the values
    # make {0, 2} and {1, 3} the only fix that keeps everybody's common ground
    values = np.zeros((4, 4))
    values[0, 2] = values[2, 0] = values[1, 3] = values[3, 1] = 1.0
    for seed in range(5):
        [seating] = remove_repeats(
            [np.array([0, 0, 1, 1])], met_before=np.array([[0, 1]]), values=values, seed=seed
        )
        assert seating[0] == seating[2]
        assert seating[1] == seating[3]


def test_remove_repeats_refuses_seatings_that_break_a_rule():
    with pytest.raises(ValueError, match="apart"):
        remove_repeats([np.array([0, 0, 1, 1])], apart=np.array([[0, 1]]))
    with pytest.raises(ValueError, match="tags"):
        remove_repeats(
            [np.array([0, 1])], needs=np.array([1, 0], dtype=np.uint64), has=np.zeros(2, np.uint64)
        )
    with pytest.raises(ValueError, match="same people"):
        remove_repeats([np.array([0, 1]), np.array([0, 1, 1])])


@st.composite
def _plans(draw):
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    n = sum(sizes)
    rounds = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**16))
    start = _random_rounds(sizes, rounds, seed)
    movable = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    pair = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    history = np.array(draw(st.lists(pair, max_size=6)), dtype=np.int64).reshape(-1, 2)
    apart = np.array(
        [(a, b) for a, b in draw(st.lists(pair, max_size=4)) if all(s[a] != s[b] for s in start)],
        dtype=np.int64,
    ).reshape(-1, 2)
    return start, movable, history, apart, seed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plans())
def test_remove_repeats_never_breaks_a_rule_nor_adds_conflicts(plan):
    start, movable, history, apart, seed = plan
    copies = [s.copy() for s in start]
    result = remove_repeats(
        start, met_before=history, apart=apart, movable=movable, max_steps=200, seed=seed
    )
    assert all(np.array_equal(a, b) for a, b in zip(start, copies, strict=True))
    _assert_same_tables(start, result)
    for old, new in zip(start, result, strict=True):
        assert np.array_equal(old[~movable], new[~movable])
        assert all(new[a] != new[b] for a, b in apart)
    assert conflicts(result, met_before=history) <= conflicts(start, met_before=history)
