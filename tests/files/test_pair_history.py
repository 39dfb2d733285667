from __future__ import annotations

import pytest

from touchpoints.errors import ImportRowsError, InputFileError
from touchpoints.files.pair_history import append_history, read_history


def test_a_missing_history_is_empty_and_appending_creates_it(tmp_path):
    path = tmp_path / "history.csv"

    assert read_history(path) == {}
    append_history(path, {"W1": [("a", "b"), ("c", "d")]})
    append_history(path, {"W2": [("a", "c")], "W3": [("b", "d")]})

    assert read_history(path) == {
        "W1": [("a", "b"), ("c", "d")],
        "W2": [("a", "c")],
        "W3": [("b", "d")],
    }
    assert path.read_text(encoding="utf-8").splitlines()[0] == "round,attendee_id,partner_id"
    assert [p.name for p in tmp_path.iterdir()] == ["history.csv"]  # no temporary left


def test_appending_keeps_a_file_without_a_final_newline_intact(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("round,attendee_id,partner_id\nW1,a,b", encoding="utf-8")

    append_history(path, {"W2": [("c", "d")]})

    assert read_history(path) == {"W1": [("a", "b")], "W2": [("c", "d")]}


def test_bad_rows_are_named_and_other_files_refused(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("round,attendee_id,partner_id\nW1,a,\n", encoding="utf-8")
    with pytest.raises(ImportRowsError, match='line 2, column "partner_id": partner_id is empty'):
        read_history(path)

    path.write_text("week,who\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a pairing history"):
        read_history(path)
