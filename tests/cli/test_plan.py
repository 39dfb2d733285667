from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from touchpoints.cli import cli

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture(scope="module")
def demo_plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    cards = folder / "cards.html"
    result = CliRunner().invoke(
        cli,
        ["plan", "--demo", "--size", "8", "--rounds", "2", "--time", "2", "--cards", str(cards)],
    )
    assert result.exit_code == 0, result.output
    return result.stdout, cards.read_text(encoding="utf-8"), result.stderr


def test_plan_seats_every_demo_attendee_once_per_round(demo_plan):
    rows = list(csv.DictReader(io.StringIO(demo_plan[0])))

    for round_number in ("1", "2"):
        seated = [r["attendee_id"] for r in rows if r["round"] == round_number]
        assert len(seated) == 120
        assert len(set(seated)) == 120
    sizes = {(r["round"], r["table"]) for r in rows}
    assert len(sizes) == 30


def test_plan_explains_hooks_and_prints_metrics(demo_plan):
    rows = list(csv.DictReader(io.StringIO(demo_plan[0])))

    assert all(r["hook"] for r in rows)
    assert any("You both" in r["hook"] or "You’re both" in r["hook"] for r in rows)
    assert "hook coverage" in demo_plan[2]
    assert re.search(r"rule violations +0\n", demo_plan[2])


def test_plan_outputs_carry_no_email(demo_plan):
    assert EMAIL.findall(demo_plan[0]) == []
    assert EMAIL.findall(demo_plan[1]) == []


def test_plan_cards_have_one_card_per_table_and_an_agenda_per_attendee(demo_plan):
    html = demo_plan[1]

    assert html.count("<h2>Round ") == 30
    assert html.count('class="card agenda"') == 120


def test_plan_cards_escape_what_attendees_typed(tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text(
        'Name,Interests\n"<script>alert(1)</script> Eve",chess\nBo,chess\nCy,chess\n',
        encoding="utf-8",
    )
    cards = tmp_path / "cards.html"

    result = CliRunner().invoke(
        cli, ["plan", str(path), "--size", "3", "--time", "0.2", "--cards", str(cards)]
    )

    assert result.exit_code == 0, result.output
    html = cards.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_plan_json_lists_rounds_of_tables():
    result = CliRunner().invoke(
        cli, ["plan", "--demo", "--capacities", "40,40,40", "--time", "0.5", "--format", "json"]
    )

    document = json.loads(result.stdout)

    assert result.exit_code == 0
    assert [len(t["seats"]) for t in document] == [40, 40, 40]


def test_plan_history_keeps_earlier_tablemates_apart(tmp_path):
    people = "Name,Interests\n" + "".join(f"P{i},chess\n" for i in range(9))
    path = tmp_path / "nine.csv"
    path.write_text(people, encoding="utf-8")
    first = tmp_path / "first.csv"
    CliRunner().invoke(
        cli, ["plan", str(path), "--size", "3", "--time", "0.2", "--out", str(first)]
    )

    result = CliRunner().invoke(
        cli, ["plan", str(path), "--size", "3", "--time", "0.5", "--history", str(first)]
    )

    def pairs(text):
        tables = {}
        for row in csv.DictReader(io.StringIO(text)):
            tables.setdefault(row["table"], []).append(row["attendee_id"])
        return {frozenset((a, b)) for m in tables.values() for a in m for b in m if a != b}

    assert result.exit_code == 0, result.output
    assert pairs(first.read_text(encoding="utf-8")) & pairs(result.stdout) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--capacities", "8,x"], "expected numbers"),
        (["--capacities", "10,10"], "do not fit"),
    ],
)
def test_plan_bad_layouts_are_clear_errors(args, message):
    result = CliRunner().invoke(cli, ["plan", "--demo", "--time", "0", *args])

    assert result.exit_code in (1, 2)
    assert message in result.output


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_plan_keeps_the_rules_of_a_rules_file(tmp_path):
    people = "Name,Email,Interests\n" + "".join(f"P{i},p{i}@example.org,chess\n" for i in range(12))
    path = tmp_path / "twelve.csv"
    path.write_text(people, encoding="utf-8")
    rules = tmp_path / "rules.csv"
    rules.write_text(
        "rule,attendees,table,tags\n"
        "keep-apart,p0@example.org;p1@example.org,,\n"
        "keep-together,P2;P3,,\n"
        "pin,P4,2,\n"
        "needs,P5,,accessible\n"
        "table-tags,,3,accessible\n",
        encoding="utf-8",
    )

    result = CliRunner().invoke(
        cli,
        ["plan", str(path), "--size", "4", "--rounds", "2", "--time", "0.5", "--rules", str(rules)],
    )

    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    for round_number in ("1", "2"):
        table = {r["attendee"]: r["table"] for r in rows if r["round"] == round_number}
        assert table["P0"] != table["P1"]
        assert table["P2"] == table["P3"]
        assert (table["P4"], table["P5"]) == ("2", "3")


def test_plan_with_impossible_rules_names_the_rule(tmp_path):
    rules = tmp_path / "rules.csv"
    rules.write_text(
        "rule,attendees,table,tags\nneeds,Jake Kowalski,,wheelchair\n", encoding="utf-8"
    )

    result = CliRunner().invoke(cli, ["plan", "--demo", "--time", "0", "--rules", str(rules)])

    assert result.exit_code == 1
    assert "1 people need a 'wheelchair' table, but such tables seat 0" in result.output


def test_repair_seats_walk_ins_drops_no_shows_and_lists_the_moves(tmp_path):
    people = "Name,Email,Interests\n" + "".join(
        f"P{i},p{i}@example.org,{'chess' if i % 2 else 'pottery'}\n" for i in range(11)
    )
    path = tmp_path / "eleven.csv"
    path.write_text(people, encoding="utf-8")
    late = tmp_path / "late.csv"
    late.write_text("Name,Email,Interests\nZoe Late,zoe@example.org,chess\n", encoding="utf-8")
    plan = tmp_path / "plan.csv"
    first = CliRunner().invoke(
        cli,
        ["plan", str(path), "--size", "4", "--rounds", "2", "--time", "0.3", "--out", str(plan)],
    )
    assert first.exit_code == 0, first.output

    result = CliRunner().invoke(
        cli,
        [
            "repair",
            str(path),
            "--plan",
            str(plan),
            "--round",
            "2",
            "--no-show",
            "p3@example.org",
            "--walk-ins",
            str(late),
        ],
    )

    assert result.exit_code == 0, result.output
    rows = _rows(result.stdout)
    second = {r["attendee"] for r in rows if r["round"] == "2"}
    assert "Zoe Late" in second
    assert "P3" not in second
    assert {r["attendee"] for r in rows if r["round"] == "1"} == {f"P{i}" for i in range(11)}
    assert "Zoe Late: → table" in result.stderr
    assert "P3: leaves table" in result.stderr
    assert not EMAIL.search(result.stdout)


def test_repair_refuses_a_round_the_plan_does_not_have(tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("round,table,attendee_id\n1,1,x\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["repair", "--demo", "--plan", str(plan), "--round", "3"])

    assert result.exit_code == 1
    assert "has no round 3 (rounds: 1)" in result.output


def test_plan_with_no_search_time_is_the_same_for_the_same_seed():
    args = ["plan", "--demo", "--rounds", "2", "--time", "0", "--seed", "4"]

    first, second = CliRunner().invoke(cli, args), CliRunner().invoke(cli, args)

    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
