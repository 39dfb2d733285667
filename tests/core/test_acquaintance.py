from __future__ import annotations

from touchpoints.core.acquaintance import acquaintances
from touchpoints.core.model import AcquaintanceReason, Attendee


def test_acquaintances_link_colleagues_arrivals_and_declared_ties():
    people = [
        Attendee("1", "Ann Lee", email="ann@example.org", organization="Acme Inc."),
        Attendee("2", "Bo Chen", organization="acme", arrived_with=("cy@example.org",)),
        Attendee("3", "Cy Díaz", email="cy@example.org", knows=("ANN LEE", "Nobody Here")),
        Attendee("4", "Di Park", organization="Other"),
    ]

    known = acquaintances(people)

    assert known.between("2", "1").reasons == (AcquaintanceReason.ORGANIZATION,)
    assert known.between("2", "3").reasons == (AcquaintanceReason.ARRIVED_TOGETHER,)
    assert known.between("1", "3").reasons == (AcquaintanceReason.DECLARED,)
    assert known.between("1", "4") is None
    assert known.unmatched == (("3", "Nobody Here"),)


def test_acquaintances_merge_reasons_and_ignore_self_references():
    people = [
        Attendee(
            "1",
            "Ann Lee",
            email="ann@example.org",
            organization="Acme",
            knows=("bo@example.org", "ann@example.org"),
        ),
        Attendee("2", "Bo Chen", email="bo@example.org", organization="Acme"),
    ]

    known = acquaintances(people)

    assert list(known.pairs) == [("1", "2")]
    assert known.between("1", "2").reasons == (
        AcquaintanceReason.ORGANIZATION,
        AcquaintanceReason.DECLARED,
    )
