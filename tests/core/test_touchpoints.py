"""The double-blind rules."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from touchpoints.core.touchpoints import (
    Confirmation,
    Sharing,
    Standing,
    TouchpointError,
    contact_of,
    mutual_pairs,
    standing,
    view_of,
)

T0 = dt.datetime(2026, 5, 1, 9, 0)


def at(minutes):
    return T0 + dt.timedelta(minutes=minutes)


def test_a_one_sided_confirmation_is_seen_only_by_its_maker():
    confirmations = [Confirmation("a", "b", at(1))]

    assert view_of("a", confirmations).waiting == ("b",)
    assert view_of("b", confirmations).waiting == ()
    assert view_of("b", confirmations).mutual == ()
    assert standing("b", "a", [("a", "b")]) is Standing.NONE


def test_both_confirmations_make_a_touchpoint_dated_by_the_second():
    confirmations = [Confirmation("a", "b", at(1)), Confirmation("b", "a", at(5))]

    assert view_of("a", confirmations).mutual == (("b", at(5)),)
    assert view_of("b", confirmations).mutual == (("a", at(5)),)
    assert view_of("a", confirmations).waiting == ()
    assert mutual_pairs(confirmations) == [("a", "b", at(5))]


pairs = st.lists(
    st.tuples(st.sampled_from("abcde"), st.sampled_from("abcde")).filter(lambda p: p[0] != p[1]),
    max_size=15,
)


@given(pairs)
def test_views_agree_with_each_other_and_never_show_anothers_one_sided_confirmation(made):
    confirmations = [Confirmation(a, b, at(i)) for i, (a, b) in enumerate(made)]
    done = set(made)
    for me in "abcde":
        view = view_of(me, confirmations)
        mutual = {other for other, _ in view.mutual}
        assert mutual == {o for o in "abcde" if (me, o) in done and (o, me) in done}
        assert set(view.waiting) == {o for o in "abcde" if (me, o) in done and (o, me) not in done}
        for other in "abcde":
            if other != me:
                expected = standing(me, other, done)
                assert (other in mutual) == (expected is Standing.MUTUAL)
                assert (other in view.waiting) == (expected is Standing.WAITING)
    assert {(a, b) for a, b, _ in mutual_pairs(confirmations)} == {
        (a, b) for a, b in done if a < b and (b, a) in done
    }


def test_only_the_chosen_details_are_released():
    assert contact_of("Ann", "ann@x.org", Sharing()).shares_anything is False
    chosen = contact_of("Ann", "ann@x.org", Sharing(email=True, link="https://ann.dev"))
    assert (chosen.email, chosen.phone, chosen.link) == ("ann@x.org", None, "https://ann.dev")
    assert contact_of("Ann", None, Sharing(email=True)).email is None


def test_sharing_choices_are_checked_and_round_trip_through_json():
    chosen = Sharing.chosen(email=True, phone=" +44 20  7946 0958 ", link="https://x.org/ann")
    assert chosen == Sharing(True, "+44 20 7946 0958", "https://x.org/ann")
    assert Sharing.from_json(chosen.to_json()) == chosen
    assert Sharing.from_json(None) == Sharing()
    with pytest.raises(TouchpointError, match="phone number"):
        Sharing.chosen(email=False, phone="call me maybe", link="")
    for link in ("javascript:alert(1)", "ftp://x.org", "https://", "x.org"):
        with pytest.raises(TouchpointError, match="profile link"):
            Sharing.chosen(email=False, phone="", link=link)
