from __future__ import annotations

import io

import pytest

from touchpoints.errors import ImportRowsError, InputFileError
from touchpoints.files.plans import read_plan_pairs


def test_read_plan_pairs_returns_tablemates_of_known_attendees():
    text = "round,table,attendee_id\n1,1,a\n1,1,b\n1,2,c\n1,2,zz\n2,1,a\n2,1,c\n"

    pairs = read_plan_pairs(io.BytesIO(text.encode()), filename="p.csv", ids=["a", "b", "c"])

    assert pairs == {("a", "b"), ("a", "c")}


def test_read_plan_pairs_refuses_a_file_that_is_not_a_plan():
    with pytest.raises(InputFileError, match="missing columns: attendee_id, table"):
        read_plan_pairs(io.BytesIO(b"round,name\n1,Ann\n"), filename="p.csv", ids=["a"])


def test_read_plan_pairs_names_rows_without_round_or_table():
    text = b"round,table,attendee_id\n1,1,a\n,2,b\n"

    with pytest.raises(ImportRowsError, match=r"p.csv, line 3"):
        read_plan_pairs(io.BytesIO(text), filename="p.csv", ids=["a", "b"])


def test_read_plan_pairs_refuses_binary():
    with pytest.raises(InputFileError, match="UTF-8"):
        read_plan_pairs(io.BytesIO(b"\xff\xfe\x00bad"), filename="p.csv", ids=["a"])
