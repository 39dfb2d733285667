from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.crowds import PHRASES, crowds, person
from touchpoints.core.acquaintance import acquaintances
from touchpoints.core.candidates import best_matches, top_matches
from touchpoints.core.common_ground import common_ground
from touchpoints.core.topics import event_topics


def _brute_force(vocabulary, k):
    ids = vocabulary.attendee_ids
    best = []
    for a in ids:
        scores = [
            (g.score if (g := common_ground(vocabulary, a, b)) else 0.0) for b in ids if b != a
        ]
        best.append(sorted((s for s in scores if s > 0), reverse=True)[:k])
    return best


def _crowd(size, seed):
    rng = random.Random(seed)
    return [person(str(i), *rng.sample(PHRASES, rng.randint(1, 4))) for i in range(size)]


def test_top_matches_equal_brute_force_scores():
    vocabulary = event_topics(_crowd(90, seed=3))

    found = top_matches(vocabulary, k=5)

    for index, expected in enumerate(_brute_force(vocabulary, 5)):
        got = [score for _, score in found.of(index)]
        assert np.allclose(got, expected, atol=1e-6), index


@pytest.mark.parametrize("max_group", [3, 8])
def test_top_matches_through_big_groups_list_true_scores(max_group):
    """Big topics give candidates by rotation: every listed score is the pair's true
    score, and everybody with k partners sharing ground gets k."""
    vocabulary = event_topics(_crowd(90, seed=3))
    ids = vocabulary.attendee_ids

    found = top_matches(vocabulary, k=5, max_group=max_group)

    for index, expected in enumerate(_brute_force(vocabulary, 5)):
        listed = found.of(index)
        assert len(listed) == len(expected), index
        for partner, score in listed:
            ground = common_ground(vocabulary, ids[index], ids[partner])
            assert ground is not None
            assert np.isclose(score, ground.score, atol=1e-6)


@given(crowds, st.integers(1, 4))
def test_top_matches_list_distinct_real_partners(crowd, k):
    vocabulary = event_topics(crowd)

    found = top_matches(vocabulary, k=k)

    for index in range(len(crowd)):
        partners = [p for p, _ in found.of(index)]
        assert index not in partners
        assert len(set(partners)) == len(partners)
        scores = [s for _, s in found.of(index)]
        assert scores == sorted(scores, reverse=True)


def test_top_matches_leave_out_excluded_pairs():
    crowd = [person("a", "chess"), person("b", "chess"), person("c", "chess"), person("d", "golf")]
    vocabulary = event_topics(crowd)

    found = top_matches(vocabulary, k=2, exclude=[(1, 0)])

    assert [p for p, _ in found.of(0)] == [2]
    assert [p for p, _ in found.of(1)] == [2]


def test_top_matches_pad_with_minus_one_when_nobody_shares_anything():
    vocabulary = event_topics([person("a", "chess"), person("b", "pottery")])

    found = top_matches(vocabulary, k=3)

    assert found.partners.tolist() == [[-1, -1, -1], [-1, -1, -1]]
    assert found.of(0) == []


def test_top_matches_refuse_k_below_one():
    vocabulary = event_topics([person("a", "chess")])

    with pytest.raises(ValueError, match="k must be at least 1"):
        top_matches(vocabulary, k=0)


def test_best_matches_skip_acquaintances_and_report_loners():
    crowd = [
        person("a", "chess", "bebop", organization="Acme"),
        person("b", "chess", "bebop", organization="Acme"),
        person("c", "chess"),
        person("d", "medieval bookbinding"),
        *[person(f"n{i}", "networking") for i in range(4)],
    ]
    vocabulary = event_topics(crowd)
    known = acquaintances(crowd)

    matches = best_matches(vocabulary, 3, acquaintances=known)
    with_colleagues = best_matches(vocabulary, 3, acquaintances=known, include_acquaintances=True)

    assert [g.b for g in matches[0]] == ["c"]
    assert with_colleagues[0][0].b == "b"
    assert with_colleagues[0][0].acquainted != ()
    assert matches[3] == []
