from __future__ import annotations

import numpy as np
import pytest

from touchpoints.core.plans.rules import MAX_TAGS, Rules, broken_rules, check_rules
from touchpoints.errors import InfeasiblePlanError


def test_pinning_one_member_pins_their_keep_together_group():
    rules = Rules(keep_together=[(1, 2)], pinned={2: 4})

    assert rules.pins() == {1: 4, 2: 4}
    assert rules.fixed_people() == {1, 2}


def test_pairs_seated_together_by_the_rules_are_exempt_from_repeats():
    rules = Rules(keep_together=[(0, 1, 2)], pinned={5: 1, 6: 1})

    assert rules.exempt_pairs() == {(0, 1), (0, 2), (1, 2), (5, 6)}


def test_tags_become_bits_of_people_and_tables():
    rules = Rules(
        needs={0: frozenset({"accessible"}), 1: frozenset({"accessible", "german"})},
        table_tags={1: frozenset({"accessible"}), 2: frozenset({"german", "accessible"})},
    )

    needs, has = rules.tag_bits(3, 3)

    assert needs.tolist() == [1, 3, 0]
    assert has.tolist() == [0, 1, 3]


def test_too_many_tags_is_an_error():
    rules = Rules(table_tags={0: frozenset(f"tag{i}" for i in range(MAX_TAGS + 1))})

    with pytest.raises(InfeasiblePlanError, match="at most 64"):
        rules.tag_bits(1, 1)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (Rules(keep_apart=[(2, 2)]), "Cy cannot be kept apart from themselves"),
        (Rules(keep_together=[(0, 1)], pinned={0: 0, 1: 1}), "pinned to different tables"),
        (Rules(pinned={0: 0, 1: 0, 2: 0}), "3 people are pinned to table 1, which seats 2"),
        (
            Rules(keep_together=[(0, 1)], needs={0: frozenset({"quiet"})}),
            "keep-together group Ann, Bo: no table has all the tags",
        ),
        (
            Rules(needs={0: frozenset({"x"}), 1: frozenset({"x"})}, table_tags={1: frozenset("x")}),
            "2 people need a 'x' table, but such tables seat 1",
        ),
    ],
)
def test_check_rules_names_the_impossible_rule(rules, message):
    with pytest.raises(InfeasiblePlanError, match=message):
        check_rules(rules, (2, 1), 3, names=["Ann", "Bo", "Cy"])


def test_check_rules_refuses_people_out_of_range():
    with pytest.raises(ValueError, match="person 9"):
        check_rules(Rules(keep_apart=[(0, 9)]), (2, 2), 4)


def test_broken_rules_describes_each_broken_rule_and_skips_absent_people():
    rules = Rules(
        keep_apart=[(0, 2), (4, 5)],
        keep_together=[(2, 3)],
        pinned={0: 1},
        needs={1: frozenset({"accessible"})},
        table_tags={1: frozenset({"accessible"})},
    )

    broken = broken_rules(rules, np.array([0, 0, 0, 1, -1, 1]), names=list("ABCDEF"))

    assert broken == [
        "A and C must be kept apart but share table 1",
        "keep-together group C, D is split",
        "A is pinned to table 2 but sits at table 1",
        "B needs 'accessible' but sits at table 1",
    ]
    assert broken_rules(rules, np.array([1, 1, 0, 0, -1, 1])) == []
