from __future__ import annotations

import csv
import datetime
import io

from touchpoints.core.network import Tie
from touchpoints.files.network import TOUCHPOINT_COLUMNS, write_touchpoints_csv

AT = datetime.datetime(2025, 5, 1, 9, 30, tzinfo=datetime.UTC)


def _rows(ties, names, organizations):
    out = io.StringIO()
    write_touchpoints_csv(out, ties, names, organizations)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_write_touchpoints_csv_writes_one_row_per_tie_in_order():
    ties = [Tie("2", "1", AT, "chess"), Tie("1", "3", AT + datetime.timedelta(hours=1))]
    names = {"1": "Ann Archer", "2": "Bo Chen", "3": "Cy Diaz"}

    rows = _rows(ties, names, {"1": "North Co", "2": None})

    assert rows == [
        list(TOUCHPOINT_COLUMNS),
        ["Ann Archer", "North Co", "Bo Chen", "", "2025-05-01T09:30:00+00:00", "chess"],
        ["Ann Archer", "North Co", "Cy Diaz", "", "2025-05-01T10:30:00+00:00", ""],
    ]


def test_write_touchpoints_csv_guards_cells_a_spreadsheet_would_run():
    ties = [Tie("1", "2", AT, "@topic")]
    names = {"1": '=HYPERLINK("http://x")', "2": "+Bo"}

    rows = _rows(ties, names, {"1": "-Acme", "2": "@Co"})

    assert rows[1] == [
        '\'=HYPERLINK("http://x")',
        "'-Acme",
        "'+Bo",
        "'@Co",
        "2025-05-01T09:30:00+00:00",
        "'@topic",
    ]


def test_write_touchpoints_csv_takes_a_time_without_zone_as_utc():
    naive = datetime.datetime(2025, 5, 1, 9, 30)
    other_zone = datetime.datetime(
        2025, 5, 1, 11, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )

    rows = _rows([Tie("1", "2", naive), Tie("1", "3", other_zone)], {}, {})

    assert [row[4] for row in rows[1:]] == ["2025-05-01T09:30:00+00:00"] * 2


def test_write_touchpoints_csv_without_ties_writes_the_header_only():
    assert _rows([], {}, {}) == [list(TOUCHPOINT_COLUMNS)]
