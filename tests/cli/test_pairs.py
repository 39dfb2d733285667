from __future__ import annotations

import csv
import io
import re

from click.testing import CliRunner

from touchpoints.cli import cli

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _groups(text):
    groups = {}
    for row in csv.DictReader(io.StringIO(text)):
        groups.setdefault((row["round"], row["table"]), set()).add(row["attendee"])
    return groups


def test_pairs_rounds_at_the_demo_event_never_repeat_and_carry_no_email(tmp_path):
    cards = tmp_path / "cards.html"

    result = CliRunner().invoke(
        cli, ["pairs", "--demo", "--rounds", "4", "--seed", "2", "--cards", str(cards)]
    )

    assert result.exit_code == 0, result.output
    groups = _groups(result.stdout)
    pairs = [frozenset(g) for g in groups.values()]
    assert len(pairs) == len(set(pairs)) == 4 * 60
    for round_number in "1234":
        seated = [p for (r, _), g in groups.items() if r == round_number for p in g]
        assert len(seated) == len(set(seated)) == 120
    assert "Round 4: 60 pairs" in result.stderr
    assert not EMAIL.search(result.stdout + cards.read_text(encoding="utf-8"))


def _members(tmp_path, rows):
    path = tmp_path / "members.csv"
    path.write_text(
        "Name,Email,Interests,Status,Time zone,Want to meet\n" + "".join(rows), encoding="utf-8"
    )
    return path


def test_recurring_pairs_skip_paused_members_respect_time_zones_and_append_once(tmp_path):
    path = _members(
        tmp_path,
        [
            "Ann,ann@x.org,chess,active,Europe/Oslo,\n",
            "Bo,bo@x.org,chess,active,UTC+1,\n",
            "Cy,cy@x.org,chess,active,America/Los_Angeles,Dee\n",
            "Dee,dee@x.org,pottery,,UTC-8,cy@x.org\n",
            "Eve,eve@x.org,chess,paused,UTC+1,\n",
        ],
    )
    history = tmp_path / "history.csv"
    week = ["pairs", str(path), "--history", str(history), "--max-hours-apart", "3"]

    first = CliRunner().invoke(cli, [*week, "--label", "W1"])
    again = CliRunner().invoke(cli, [*week, "--label", "W1"])
    second = CliRunner().invoke(cli, [*week, "--label", "W2"])

    assert first.exit_code == 0, first.output
    assert sorted(map(sorted, _groups(first.stdout).values())) == [["Ann", "Bo"], ["Cy", "Dee"]]
    assert "1 paused or opted out" in first.stderr
    assert "W1 already in" in again.stderr
    assert _groups(again.stdout) == _groups(first.stdout)
    lines = history.read_text(encoding="utf-8").splitlines()
    assert lines[1:3] == ["W1,1,2", "W1,3,4"]
    assert second.exit_code == 0, second.output
    assert "Ann: no partner" in second.stderr  # Bo is her only partner within 3 hours
    assert len(history.read_text(encoding="utf-8").splitlines()) == 3  # W2 paired nobody


def test_a_window_lets_old_partners_meet_again(tmp_path):
    path = _members(tmp_path, ["Ann,ann@x.org,chess,,,\n", "Bo,bo@x.org,chess,,,\n"])
    history = tmp_path / "history.csv"
    history.write_text("round,attendee_id,partner_id\nW1,1,2\nW2,9,8\n", encoding="utf-8")

    blocked = CliRunner().invoke(
        cli, ["pairs", str(path), "--history", str(history), "--label", "W3"]
    )
    windowed = CliRunner().invoke(
        cli, ["pairs", str(path), "--history", str(history), "--label", "W4", "--window", "1"]
    )

    assert "Ann: no partner" in blocked.stderr
    assert sorted(map(sorted, _groups(windowed.stdout).values())) == [["Ann", "Bo"]]


def test_an_unknown_time_zone_is_a_clear_error(tmp_path):
    path = _members(tmp_path, ["Ann,ann@x.org,chess,,Mars/Base,\n", "Bo,bo@x.org,chess,,,\n"])

    result = CliRunner().invoke(cli, ["pairs", str(path), "--max-hours-apart", "2"])

    assert result.exit_code == 2
    assert "Ann: unknown time zone 'Mars/Base'" in result.output


def test_event_rounds_with_a_history_avoid_it_and_record_every_round(tmp_path):
    people = "Name,Email,Interests\n" + "".join(f"P{i},p{i}@x.org,chess\n" for i in range(5))
    path = tmp_path / "five.csv"
    path.write_text(people, encoding="utf-8")
    history = tmp_path / "history.csv"
    args = ["pairs", str(path), "--rounds", "2", "--history", str(history), "--label", "day1"]

    first = CliRunner().invoke(cli, args)
    again = CliRunner().invoke(cli, args)

    assert first.exit_code == 0, first.output
    assert "appended day1/1, day1/2" in first.stderr
    assert "day1/1, day1/2 already in" in again.stderr
    assert _groups(again.stdout) == _groups(first.stdout)  # the trio comes back whole
    assert any(len(g) == 3 for g in _groups(first.stdout).values())
