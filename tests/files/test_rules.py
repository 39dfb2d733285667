from __future__ import annotations

import io

import pytest

from touchpoints.core.model import Attendee
from touchpoints.errors import ImportRowsError, InputFileError
from touchpoints.files.rules import read_rules

PEOPLE = [
    Attendee("a1", "Ann Lee", email="ann@example.org"),
    Attendee("b2", "Bo Chen", email="bo@example.org"),
    Attendee("c3", "Cy Diaz"),
    Attendee("d4", "Dee Diaz"),
]


def _read(text, tables=3):
    return read_rules(
        io.BytesIO(text.encode()), filename="rules.csv", attendees=PEOPLE, tables=tables
    )


def test_every_kind_of_rule_is_read_with_people_by_id_email_or_name():
    rules = _read(
        "Rule,Attendees,Table,Tags\n"
        "keep-apart,ann@example.org; b2,,\n"
        "keep-together,Cy Diaz;dee diaz,,\n"
        "pin,Ann Lee,3,\n"
        "needs,b2,,Accessible\n"
        "table-tags,,2,accessible; German\n"
    )

    assert list(rules.keep_apart) == [(0, 1)]
    assert list(rules.keep_together) == [(2, 3)]
    assert rules.pinned == {0: 2}
    assert rules.needs == {1: frozenset({"accessible"})}
    assert rules.table_tags == {1: frozenset({"accessible", "german"})}


def test_every_bad_row_is_named_and_nothing_is_read():
    with pytest.raises(ImportRowsError) as caught:
        _read(
            "rule,attendees,table,tags\n"
            "keep-apart,Ann Lee,,\n"
            "pin,Zed,9,\n"
            "seat-near,Ann Lee,,\n"
            "needs,Bo Chen,,\n"
        )

    message = caught.value.message
    assert 'rules.csv, line 2, column "attendees": keep-apart needs at least two' in message
    assert "line 3, column \"attendees\": no attendee with id, e-mail or name 'Zed'" in message
    assert "line 3, column \"table\": expected a table number from 1 to 3, got '9'" in message
    assert "line 4, column \"rule\": unknown rule 'seat-near'" in message
    assert 'line 5, column "tags": needs needs at least one tag' in message


def test_a_file_without_a_rule_column_is_refused():
    with pytest.raises(InputFileError, match="needs the columns rule, attendees, table, tags"):
        _read("name,table\nAnn,1\n")
