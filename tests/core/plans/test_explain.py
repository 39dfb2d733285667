from __future__ import annotations

from tests.core.crowds import person
from touchpoints.core.plans.explain import explain_plan
from touchpoints.core.topics import event_topics


def test_explain_plan_gives_each_table_a_theme_and_each_seat_a_hook():
    crowd = [
        person("a", "jazz piano", "networking"),
        person("b", "Thelonious Monk", "networking"),
        person("c", "chess", "networking"),
        person("d", "chess", "networking"),
        person("e", "pottery"),
        person("f", "networking"),
    ]
    plan = [(0, 0, 1, 1, 0, 1)]

    cards = explain_plan(event_topics(crowd), plan)

    assert [(c.round, c.table) for c in cards] == [(1, 1), (1, 2)]
    assert cards[0].theme is not None
    assert cards[0].theme.label == "jazz piano"
    assert cards[1].theme is not None
    assert cards[1].theme.label == "chess"
    hooks = {s.attendee: s.hook for c in cards for s in c.seats}
    assert hooks["a"] is not None
    assert hooks["a"].b == "b"
    assert hooks["e"] is None


def test_explain_plan_has_no_theme_for_a_table_of_strangers():
    crowd = [person("a", "chess"), person("b", "pottery"), person("c", "Esperanto")]
    plan = [(0, 0, 0)]

    (card,) = explain_plan(event_topics(crowd), plan)

    assert card.theme is None
    assert all(seat.hook is None for seat in card.seats)


def test_explain_plan_leaves_out_people_who_are_not_there():
    crowd = [person("a", "chess"), person("b", "chess"), person("c", "chess")]

    (card,) = explain_plan(event_topics(crowd), [(0, -1, 0)])

    assert [s.attendee for s in card.seats] == ["a", "c"]
