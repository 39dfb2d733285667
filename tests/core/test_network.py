from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints.core.network import (
    SeatChoice,
    SwapChoice,
    Tie,
    TieKinds,
    cliques,
    distribution,
    isolated,
    layout,
    over_time,
    seat_beside,
    swap_partner,
    tie_kinds,
    topics_sparked,
    touchpoints_per_attendee,
)

T0 = datetime.datetime(2025, 5, 1, 9, 0)
MINUTE = datetime.timedelta(minutes=1)


def tie(a: str, b: str, minutes: float = 0, topic: str | None = None) -> Tie:
    return Tie(a, b, T0 + minutes * MINUTE, topic)


@st.composite
def networks(draw, max_people: int = 12):
    """Ids "p0".., and distinct ties between them (one per pair)."""
    n = draw(st.integers(min_value=0, max_value=max_people))
    ids = [f"p{i}" for i in range(n)]
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] < p[1])
    chosen = draw(st.sets(pairs, max_size=30)) if n >= 2 else set()
    minutes = st.integers(min_value=0, max_value=8 * 60)
    ties = [tie(ids[a], ids[b], draw(minutes)) for a, b in sorted(chosen)]
    return ids, ties


def test_tie_stores_the_pair_sorted():
    assert tie("b", "a") == tie("a", "b")
    assert (tie("b", "a").a, tie("b", "a").b) == ("a", "b")


def test_tie_with_one_person_raises():
    with pytest.raises(ValueError, match="two different attendees"):
        tie("a", "a")


def test_touchpoints_per_attendee_counts_both_ends_and_keeps_zeros():
    counts = touchpoints_per_attendee(["a", "b", "c", "d"], [tie("a", "b"), tie("b", "c")])

    assert counts == {"a": 1, "b": 2, "c": 1, "d": 0}
    assert list(counts) == ["a", "b", "c", "d"]


def test_touchpoints_per_attendee_names_an_unknown_id():
    with pytest.raises(ValueError, match="'zed'"):
        touchpoints_per_attendee(["a", "b"], [tie("a", "zed")])


def test_distribution_fills_gaps_up_to_the_most():
    assert distribution({"a": 0, "b": 3, "c": 3, "d": 1}) == [(0, 1), (1, 1), (2, 0), (3, 2)]


def test_distribution_of_nothing_is_empty_and_of_zeros_is_one_bar():
    assert distribution({}) == []
    assert distribution({"a": 0, "b": 0}) == [(0, 2)]


def test_distribution_rejects_negative_counts():
    with pytest.raises(ValueError, match="negative"):
        distribution({"a": -1})


@given(networks())
def test_distribution_accounts_for_every_attendee_and_tie(network):
    ids, ties = network

    bars = distribution(touchpoints_per_attendee(ids, ties))

    assert sum(n for _, n in bars) == len(ids)
    assert sum(k * n for k, n in bars) == 2 * len(ties)
    assert [k for k, _ in bars] == list(range(len(bars)))


def test_over_time_of_no_ties_is_empty():
    assert over_time([]) == []


def test_over_time_of_one_moment_is_one_bucket():
    buckets = over_time([tie("a", "b", 5), tie("b", "c", 5)], buckets=10)

    assert [(b.start, b.end, b.new, b.total) for b in buckets] == [
        (T0 + 5 * MINUTE, T0 + 5 * MINUTE, 2, 2)
    ]


def test_over_time_splits_evenly_and_puts_the_last_tie_in_the_last_bucket():
    ties = [tie("a", "b", 0), tie("a", "c", 10), tie("b", "c", 29), tie("c", "d", 30)]

    buckets = over_time(reversed(ties), buckets=3)

    assert [(b.start, b.end) for b in buckets] == [
        (T0, T0 + 10 * MINUTE),
        (T0 + 10 * MINUTE, T0 + 20 * MINUTE),
        (T0 + 20 * MINUTE, T0 + 30 * MINUTE),
    ]
    assert [b.new for b in buckets] == [1, 1, 2]
    assert [b.total for b in buckets] == [1, 2, 4]


def test_over_time_rejects_fewer_than_one_bucket():
    with pytest.raises(ValueError, match="buckets"):
        over_time([tie("a", "b")], buckets=0)


@given(networks(), st.integers(min_value=1, max_value=30))
def test_over_time_buckets_tile_the_span_and_hold_every_tie(network, n):
    _, ties = network

    buckets = over_time(ties, buckets=n)

    if not ties:
        assert buckets == []
        return
    assert buckets[0].start == min(t.at for t in ties)
    assert buckets[-1].end == max(t.at for t in ties)
    assert all(b.end == c.start for b, c in zip(buckets, buckets[1:], strict=False))
    assert buckets[-1].total == sum(b.new for b in buckets) == len(ties)
    for b in buckets[:-1]:
        assert b.new == sum(b.start <= t.at < b.end for t in ties)


def test_isolated_keeps_input_order():
    assert isolated(["d", "a", "c", "b"], [tie("a", "b")]) == ["d", "c"]


def test_isolated_names_an_unknown_id():
    with pytest.raises(ValueError, match="'x'"):
        isolated(["a"], [tie("a", "x")])


def test_cliques_number_components_by_first_member():
    groups = cliques(["e", "a", "b", "c", "d"], [("a", "c"), ("c", "d"), ("e", "e")])

    assert groups == {"e": 0, "a": 1, "b": 2, "c": 1, "d": 1}


def test_cliques_join_chains_given_in_any_order():
    pairs = [("a", "b"), ("c", "d"), ("b", "c"), ("e", "f"), ("f", "a")]

    groups = cliques(list("abcdefg"), pairs)

    assert set(groups.values()) == {0, 1}
    assert groups["g"] == 1


def test_cliques_names_an_unknown_id():
    with pytest.raises(ValueError, match="'q'"):
        cliques(["a"], [("q", "a")])


def test_tie_kinds_prefer_organization_over_clique():
    organization = {"a": "  Acme ", "b": "ACME", "c": "Beta", "d": None, "e": "", "f": ""}
    clique = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 2, "f": 3}
    ties = [tie("a", "b"), tie("a", "c"), tie("c", "d"), tie("e", "f"), tie("d", "e")]

    kinds = tie_kinds(ties, organization, clique)

    assert kinds == TieKinds(same_organization=1, same_clique=1, bridging=3)
    assert kinds.total == 5
    assert kinds.bridging_share == pytest.approx(0.6)


def test_tie_kinds_missing_organizations_and_cliques_never_match():
    kinds = tie_kinds([tie("a", "b")], {"a": None, "b": None}, {})

    assert kinds == TieKinds(0, 0, 1)


def test_tie_kinds_of_no_ties_has_zero_bridging_share():
    assert tie_kinds([], {}, {}).bridging_share == 0.0


def test_topics_sparked_most_first_then_by_label_without_none():
    ties = [
        tie("a", "b", topic="rust"),
        tie("a", "c", topic="Go"),
        tie("a", "d", topic="ai"),
        tie("b", "c", topic="ai"),
        tie("b", "d"),
        tie("c", "d"),
    ]

    assert topics_sparked(ties) == [("ai", 2), ("Go", 1), ("rust", 1)]


def _in_unit_square(positions):
    return all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in positions.values())


def test_layout_places_everyone_and_puts_isolated_people_in_a_band_below():
    ids = ["a", "b", "c", "d", "e", "f"]
    ties = [tie("a", "b"), tie("b", "c"), tie("c", "a")]

    where = layout(ids, ties, seed=3)

    assert list(where) == ids
    assert _in_unit_square(where)
    lowest_linked = max(where[p][1] for p in "abc")
    assert all(where[p][1] > lowest_linked for p in "def")
    assert len({where[p] for p in ids}) == len(ids)


def test_layout_is_deterministic_for_a_seed_and_varies_with_it():
    ids = [f"p{i}" for i in range(20)]
    ties = [tie(ids[i], ids[(i * 7 + 3) % 20]) for i in range(20) if i != (i * 7 + 3) % 20]

    assert layout(ids, ties, seed=5) == layout(ids, ties, seed=5)
    assert layout(ids, ties, seed=5) != layout(ids, ties, seed=6)


def test_layout_without_ties_is_a_grid_filling_the_square():
    where = layout(["a", "b", "c", "d"], [])

    assert where == {"a": (0.25, 0.25), "b": (0.75, 0.25), "c": (0.25, 0.75), "d": (0.75, 0.75)}


def test_layout_of_nobody_is_empty():
    assert layout([], []) == {}


def test_layout_fills_the_square_when_nobody_is_isolated():
    ids = ["a", "b", "c", "d"]

    where = layout(ids, [tie("a", "b"), tie("b", "c"), tie("c", "d")])

    xs = [x for x, _ in where.values()]
    ys = [y for _, y in where.values()]
    assert (min(xs), max(xs), min(ys), max(ys)) == (0.0, 1.0, 0.0, 1.0)


def test_layout_rejects_repeated_ids_and_unknown_ties():
    with pytest.raises(ValueError, match="repeat"):
        layout(["a", "a"], [])
    with pytest.raises(ValueError, match="'z'"):
        layout(["a"], [tie("a", "z")])


@given(networks(), st.integers(min_value=0, max_value=2**32))
def test_layout_gives_every_id_a_point_in_the_unit_square(network, seed):
    ids, ties = network

    where = layout(ids, ties, seed=seed)

    assert list(where) == ids
    assert _in_unit_square(where)


# --- seat_beside: the dashboard's "seat them better next round" -----------------------

SEATING = {"ann": 0, "bo": 1, "cy": 1, "di": 2, "ed": 2, "flo": 3}


def test_seat_beside_takes_the_best_candidate_whose_table_has_room():
    choice = seat_beside("ann", ["bo", "di", "flo"], SEATING, capacity=2)

    assert choice == SeatChoice("flo", 3, already=False, size_after=2)


def test_seat_beside_takes_the_best_candidate_when_no_table_has_room():
    choice = seat_beside("ann", ["di", "bo"], SEATING, capacity=2)

    assert choice == SeatChoice("di", 2, already=False, size_after=3)


def test_seat_beside_says_so_when_a_candidate_already_shares_the_table():
    choice = seat_beside("bo", ["flo", "cy"], SEATING, capacity=1)

    assert choice == SeatChoice("cy", 1, already=True, size_after=2)


def test_seat_beside_skips_the_person_and_candidates_without_a_seat():
    seating = SEATING | {"gus": -1}

    choice = seat_beside("ann", ["ann", "gus", "zed", "flo"], seating, capacity=4)

    assert choice == SeatChoice("flo", 3, already=False, size_after=2)


def test_seat_beside_seats_someone_who_has_no_seat_yet():
    choice = seat_beside("new", ["bo"], SEATING, capacity=8)

    assert choice == SeatChoice("bo", 1, already=False, size_after=3)


def test_seat_beside_without_a_seated_candidate_is_none():
    assert seat_beside("ann", [], SEATING, capacity=8) is None
    assert seat_beside("ann", ["zed"], SEATING, capacity=8) is None


def test_seat_beside_takes_the_table_sizes_given():
    choice = seat_beside("ann", ["bo", "di"], SEATING, capacity=3, sizes={1: 3, 2: 1})

    assert choice == SeatChoice("di", 2, already=False, size_after=2)


# --- swap_partner: "seat them better" at a full table ----------------------------------

#: Ann (table 0, with Ed and Gus) is to sit beside Bo at the full table 1.
SWAP_SEATING = {"ann": 0, "ed": 0, "gus": 0, "bo": 1, "cy": 1, "di": 1}


def _values(shared):
    def value(a, b):
        return shared.get((a, b), shared.get((b, a), 0.0))

    return value


def test_swap_partner_takes_the_tablemate_with_the_strongest_hook_at_the_movers_table():
    value = _values({("ann", "bo"): 1.0, ("cy", "ed"): 0.4, ("di", "gus"): 0.7, ("di", "ed"): 0.2})

    choice = swap_partner("ann", "bo", SWAP_SEATING, value, hook=0.1)

    assert choice == SwapChoice("di", "gus", 0.7, hooks_lost=0, loss=-0.7)


def test_swap_partner_never_takes_the_person_to_sit_beside():
    value = _values({("ann", "bo"): 1.0, ("bo", "ed"): 1.0, ("cy", "gus"): 0.3})

    choice = swap_partner("ann", "bo", SWAP_SEATING, value, hook=0.1)

    assert choice is not None
    assert (choice.other, choice.beside) == ("cy", "gus")


def test_swap_partner_leaves_out_who_would_lose_their_hook():
    # Cy keeps a hook only with Di; at Ann's table Cy shares too little.
    value = _values({("ann", "bo"): 1.0, ("cy", "di"): 0.9, ("cy", "ed"): 0.05})

    assert swap_partner("ann", "bo", SWAP_SEATING, value, hook=0.1) is None


def test_swap_partner_prefers_a_swap_that_leaves_the_others_their_hooks():
    # Di would share more with Gus, but Bo's only hook is Di (Ann, who is to sit beside
    # Cy, shares nothing with Bo); Di keeps a hook with Cy when Bo leaves.
    value = _values(
        {
            ("ann", "cy"): 1.0,
            ("bo", "di"): 0.6,
            ("cy", "di"): 0.2,
            ("di", "gus"): 0.9,
            ("bo", "ed"): 0.3,
        }
    )

    choice = swap_partner("ann", "cy", SWAP_SEATING, value, hook=0.1)

    assert choice == SwapChoice("bo", "ed", 0.3, hooks_lost=0, loss=pytest.approx(0.3))


def test_swap_partner_breaks_a_tie_by_the_smallest_loss_then_seating_order():
    value = _values({("ann", "bo"): 1.0, ("cy", "gus"): 0.5, ("di", "ed"): 0.5, ("cy", "bo"): 0.8})

    choice = swap_partner("ann", "bo", SWAP_SEATING, value, hook=0.1)
    level = swap_partner(
        "ann", "bo", SWAP_SEATING, _values({("cy", "ed"): 0.5, ("di", "gus"): 0.5}), hook=0.1
    )

    assert getattr(choice, "other", None) == "di"  # Cy would lose 0.3 of 0.8 with Bo
    assert getattr(level, "other", None) == "cy"


def test_swap_partner_needs_two_seats_at_two_tables():
    value = _values({("cy", "ed"): 0.9})

    assert swap_partner("zed", "bo", SWAP_SEATING, value, hook=0.1) is None
    assert swap_partner("ann", "bo", SWAP_SEATING | {"ann": -1}, value, hook=0.1) is None
    assert swap_partner("ann", "bo", SWAP_SEATING | {"bo": 0}, value, hook=0.1) is None
    assert swap_partner("ann", "zed", SWAP_SEATING, value, hook=0.1) is None


def test_swap_partner_from_a_table_of_one_gives_no_hook():
    value = _values({("cy", "ann"): 0.9})

    assert swap_partner("ann", "bo", {"ann": 0, "bo": 1, "cy": 1}, value, hook=0.1) is None
