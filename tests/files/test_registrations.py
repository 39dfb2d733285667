from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints.errors import ColumnMappingError, ImportRowsError, InputFileError
from touchpoints.files import registrations
from touchpoints.files.registrations import (
    MAX_BIO_CHARS,
    MAX_CELL_CHARS,
    ImportResult,
    read_headers,
    read_registrations,
    read_registrations_path,
)

DATA = Path(__file__).parent.parent / "data"
FIXTURES = sorted(DATA.glob("import_*"))


def read(text: str | bytes, *, filename: str = "people.csv", **options) -> ImportResult:
    data = text.encode() if isinstance(text, str) else text
    return read_registrations(io.BytesIO(data), filename=filename, **options)


def problems(text: str | bytes, *, filename: str = "people.csv", **options) -> list[str]:
    """The messages of every row problem ``text`` has (it must have some)."""
    with pytest.raises(ImportRowsError) as caught:
        read(text, filename=filename, **options)
    assert caught.value.filename == filename
    return [p.message for p in caught.value.problems]


def file_error(text: str | bytes, *, filename: str = "people.csv", **options) -> str:
    with pytest.raises(InputFileError) as caught:
        read(text, filename=filename, **options)
    assert caught.value.filename == filename
    return caught.value.message


# -- sample files -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_read_registrations_path_imports_every_sample_file(path):
    result = read_registrations_path(path)

    assert len(result.attendees) >= 2
    assert all(a.name for a in result.attendees)
    assert len({a.id for a in result.attendees}) == len(result.attendees)


def test_read_registrations_eventbrite_export_maps_its_columns():
    result = read_registrations_path(DATA / "import_eventbrite.csv")

    zoe = result.attendees[0]
    assert (zoe.id, zoe.name, zoe.email, zoe.organization, zoe.job_title, zoe.hometown) == (
        "A-1",
        "Zoë Müller",
        "zoe@example.org",
        "Acme GmbH",
        "Data engineer",
        "Berlin",
    )
    assert zoe.interests == ("Rust", "bouldering", "jazz")
    assert zoe.want_to_meet == ("bob@example.org",)
    assert result.attendees[2].interests == ("graph theory", "Rust")
    assert result.unknown_columns == (
        "Order #",
        "Order Date",
        "Quantity",
        "Ticket Type",
        "T-shirt size",
    )


def test_read_registrations_google_form_keeps_a_multiline_bio():
    result = read_registrations_path(DATA / "import_google_forms.csv")

    ana, raj = result.attendees
    assert ana.bio == "I make pots.\nOn weekends I teach kids to code."
    assert ana.languages == ("Portuguese", "English")
    assert raj.interests == ("chess", "cricket")
    assert raj.arrived_with == ("ana@example.org",)
    assert raj.bio == "Retired teacher, now a full-time gardener."


def test_read_registrations_semicolon_excel_export():
    result = read_registrations_path(DATA / "import_semicolon.csv")

    assert [a.name for a in result.attendees] == ["Jürgen Groß", "Françoise Lefèvre"]
    assert result.attendees[0].interests == ("Wandern", "Kochen")
    assert result.attendees[0].organization == "Stadtwerke"


def test_read_registrations_tito_json_object_with_attendees():
    result = read_registrations_path(DATA / "import_tito.json")

    grace, alan = result.attendees
    assert (grace.id, grace.organization, grace.interests) == (
        "TITO-1",
        "US Navy",
        ("compilers", "COBOL"),
    )
    assert (alan.organization, alan.interests, alan.arrived_with) == (
        None,
        ("Smalltalk", "education"),
        ("grace@example.org",),
    )
    assert grace.extra == (("tags", "speaker"),)


def test_read_registrations_json_list_with_number_ids_and_lists():
    result = read_registrations_path(DATA / "import_list.json")

    ada, charles = result.attendees
    assert (ada.id, ada.name, ada.languages) == ("7", "Ada Lovelace", ("English", "French"))
    assert (charles.knows, charles.avoid) == (("Ada Lovelace",), ("Lord Byron",))


# -- fields -------------------------------------------------------------------------------------


def test_read_registrations_name_joins_first_and_last():
    result = read("First Name,Last Name\nAnn,Lee\nBo,\n")

    assert [a.name for a in result.attendees] == ["Ann Lee", "Bo"]


def test_read_registrations_full_name_wins_over_first_and_last():
    result = read("Full Name,First Name,Last Name\nAnn Marie Lee,Ann,Lee\n,Bo,Diddley\n")

    assert [a.name for a in result.attendees] == ["Ann Marie Lee", "Bo Diddley"]


def test_read_registrations_id_defaults_to_the_data_row_number():
    result = read("Name\nAnn\n\nBob\n,\nCy\n")

    assert [(a.id, a.name) for a in result.attendees] == [("1", "Ann"), ("2", "Bob"), ("3", "Cy")]


def test_read_registrations_id_column_is_used():
    result = read("ID,Name\nx-9,Ann\nx-3,Bob\n")

    assert [a.id for a in result.attendees] == ["x-9", "x-3"]


def test_read_registrations_splits_interests_and_dedupes_ignoring_case():
    result = read('Name,Interests\nAnn,"Jazz; rock ,JAZZ|  folk music \n\nRock;;"\n')

    assert result.attendees[0].interests == ("Jazz", "rock", "folk music")


def test_read_registrations_combines_several_interest_columns():
    result = read("Name,Interest 1,Interest 2,Topics\nAnn,chess,go; Chess,graphs\n")

    assert result.attendees[0].interests == ("chess", "go", "graphs")


def test_read_registrations_splits_every_list_field():
    text = (
        "Name,Languages,Knows,Arrived with,Want to meet,Avoid\n"
        'Ann,English; Dutch,bob@x.org|cy@x.org,Dee,Eve,"Fay, Gus"\n'
    )

    ann = read(text).attendees[0]

    assert (ann.languages, ann.knows, ann.arrived_with, ann.want_to_meet, ann.avoid) == (
        ("English", "Dutch"),
        ("bob@x.org", "cy@x.org"),
        ("Dee",),
        ("Eve",),
        ("Fay", "Gus"),
    )


def test_read_registrations_bio_is_kept_whole_and_trimmed():
    result = read('Name,Bio\nAnn,"  I like jazz; rock, and folk.\nAlso | pipes.  "\n')

    assert result.attendees[0].bio == "I like jazz; rock, and folk.\nAlso | pipes."


def test_read_registrations_empty_cells_become_none():
    ann = read("Name,Email,Company,Bio\nAnn,, ,\n").attendees[0]

    assert (ann.email, ann.organization, ann.bio, ann.interests) == (None, None, None, ())


def test_read_registrations_unknown_columns_go_to_extra_and_warnings():
    result = read("Name,T-shirt size,Diet\nAnn,M,\nBob,L,vegan\n")

    assert result.unknown_columns == ("T-shirt size", "Diet")
    assert result.warnings == (
        'Ignored column "T-shirt size" (not a known field; map it with --column FIELD=HEADER)',
        'Ignored column "Diet" (not a known field; map it with --column FIELD=HEADER)',
    )
    assert [a.extra for a in result.attendees] == [
        (("T-shirt size", "M"),),
        (("T-shirt size", "L"), ("Diet", "vegan")),
    ]


def test_read_registrations_warns_about_a_second_column_with_the_same_header():
    result = read("Name,Email,Email\nAnn,a@x.org,b@x.org\n")

    assert result.attendees[0].email == "a@x.org"
    assert result.warnings == ('Ignored column 3, a second column named "Email"',)


def test_read_registrations_warns_about_data_in_a_column_without_header():
    result = read("Name,,Email,\nAnn,note,a@x.org,\n")

    assert result.warnings == ("Ignored column 2 (it has no header)",)


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "-2+3", "=1+2"])
def test_read_registrations_formula_cells_import_verbatim(cell):
    rows = io.StringIO()
    csv.writer(rows).writerow(["Name", "Company", "Bio"])
    csv.writer(rows).writerow([cell, cell, cell])

    ann = read(rows.getvalue()).attendees[0]

    assert (ann.name, ann.organization, ann.bio) == (cell, cell, cell)


def test_read_registrations_mapping_overrides_the_guess():
    result = read(
        "Who,Mail,Tags\nAnn,a@x.org,jazz;rock\n",
        mapping={"name": "Who", "email": "Mail", "interests": "Tags"},
    )

    assert (result.attendees[0].name, result.attendees[0].email) == ("Ann", "a@x.org")
    assert result.attendees[0].interests == ("jazz", "rock")
    assert (result.mapping.name, result.unknown_columns) == ("Who", ())


def test_read_registrations_mapping_naming_a_missing_header_raises():
    with pytest.raises(ColumnMappingError) as caught:
        read("Name,Email\nAnn,a@x.org\n", mapping={"email": "Mail"})

    assert caught.value.message == (
        'people.csv: the column mapping names the column "Mail", but the file has no such '
        'column; its columns are: "Name", "Email"'
    )


def test_read_registrations_without_a_name_column_raises():
    with pytest.raises(ColumnMappingError, match=r"^people\.csv: no column holds"):
        read("Email,Company\na@x.org,Acme\n")


# -- encodings and dialects ---------------------------------------------------------------------


def test_read_registrations_utf8_with_bom():
    result = read(codecs.BOM_UTF8 + "Name,City\nZoë,Köln\n".encode())

    assert (result.attendees[0].name, result.mapping.name, result.warnings) == ("Zoë", "Name", ())


def test_read_registrations_cp1252_comes_out_right():
    data = "Name,Company,Bio\nZoë Müller,café “Olé”,naïve – really\n".encode("cp1252")

    result = read(data)

    zoe = result.attendees[0]
    assert (zoe.name, zoe.organization, zoe.bio) == ("Zoë Müller", "café “Olé”", "naïve – really")
    assert result.warnings == (
        "Read people.csv as cp1252, not UTF-8: check that accented letters look right",
    )


def test_read_registrations_latin1_comes_out_right():
    result = read("Name,City\nÅsa Øberg,Tromsø\n".encode("latin-1"))

    assert (result.attendees[0].name, result.attendees[0].hometown) == ("Åsa Øberg", "Tromsø")


def test_read_registrations_cp1251_is_detected():
    text = "Name,City,Interests\nИван Петров,Москва,шахматы; музыка\nАнна Смирнова,Казань,театр\n"

    result = read(text.encode("cp1251"))

    assert [a.name for a in result.attendees] == ["Иван Петров", "Анна Смирнова"]
    assert result.attendees[0].interests == ("шахматы", "музыка")


def test_read_registrations_utf16_tab_separated_from_excel():
    data = "Name\tInterests\r\nZoë\tjazz; rock\r\n".encode("utf-16")

    result = read(data, filename="people.txt")

    assert (result.attendees[0].name, result.attendees[0].interests) == ("Zoë", ("jazz", "rock"))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_read_registrations_sniffs_the_delimiter(delimiter):
    rows = io.StringIO()
    writer = csv.writer(rows, delimiter=delimiter)
    writer.writerow(["Name", "Interests (a, b; c)", "Email"])
    writer.writerow(["Ann, the 1st", "jazz, rock", "a@x.org"])
    writer.writerow(["Bob; Jr", "folk; blues", "b@x.org"])

    result = read(rows.getvalue())

    assert [a.name for a in result.attendees] == ["Ann, the 1st", "Bob; Jr"]
    assert result.attendees[1].interests == ("folk", "blues")


def test_read_registrations_honours_an_excel_sep_line():
    result = read("sep=;\nName;Company\nAnn;Acme, Inc\n")

    assert result.attendees[0].organization == "Acme, Inc"


def test_read_registrations_counts_the_excel_sep_line_in_line_numbers():
    text = "sep=;\nName;Email\nAnn;a@x.org\nBob;nope\n"

    assert problems(text) == ['people.csv, line 4, column "Email": not an e-mail address: "nope"']


def test_read_registrations_crlf_and_multiline_cells():
    result = read('Name,Bio\r\nAnn,"one\r\ntwo"\r\nBob,three\r\n')

    assert [(a.name, a.bio) for a in result.attendees] == [("Ann", "one\ntwo"), ("Bob", "three")]


def test_read_registrations_pads_short_rows_and_drops_empty_trailing_cells():
    result = read("Name,Email,Company\nAnn\nBob,b@x.org,Acme,,\n")

    assert [(a.name, a.email, a.organization) for a in result.attendees] == [
        ("Ann", None, None),
        ("Bob", "b@x.org", "Acme"),
    ]


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        ("people", '[{"name": "Ann"}]'),
        ("people.dat", '  {"attendees": [{"name": "Ann"}]}'),
        ("people", "name\nAnn\n"),
    ],
)
def test_read_registrations_detects_the_format_from_content(filename, text):
    result = read(text, filename=filename)

    assert [a.name for a in result.attendees] == ["Ann"]


def test_read_registrations_format_argument_wins_over_the_extension():
    result = read('[{"name": "Ann"}]', filename="people.csv", format="json")

    assert [a.name for a in result.attendees] == ["Ann"]


def test_read_registrations_unknown_format_is_a_value_error():
    with pytest.raises(ValueError, match="format must be"):
        read("Name\nAnn\n", format="xlsx")


# -- row problems -------------------------------------------------------------------------------


def test_read_registrations_row_with_more_cells_than_the_header():
    assert problems("Name,Email\nAnn,a@x.org\nBob, Jr,b@x.org\n") == [
        "people.csv, line 3: the row has 3 cells but the header has 2; "
        "is there an unquoted comma in a cell?"
    ]


def test_read_registrations_empty_name():
    assert problems("Name,Email\nAnn,a@x.org\n  ,b@x.org\n") == [
        'people.csv, line 3, column "Name": the name is empty'
    ]


def test_read_registrations_empty_first_and_last_name():
    assert problems("First Name,Last Name,Email\n,,b@x.org\n") == [
        'people.csv, line 2, column "First Name": the name is empty'
    ]


@pytest.mark.parametrize("email", ["ann", "ann@", "ann@x", "ann at x.org", "a@x.org; b@y.org"])
def test_read_registrations_email_that_is_not_an_address(email):
    assert problems(f'Name,Email\nAnn,"{email}"\n') == [
        f'people.csv, line 2, column "Email": not an e-mail address: "{email}"'
    ]


def test_read_registrations_duplicate_email_ignoring_case():
    text = "Name,Email\nAnn,ann@x.org\nBob,bob@x.org\nAnn B,ANN@X.ORG\n"

    assert problems(text) == [
        'people.csv, line 4, column "Email": duplicate e-mail, same as line 2'
    ]


def test_read_registrations_duplicate_id():
    text = "ID,Name\n7,Ann\n8,Bob\n7,Cy\n"

    assert problems(text) == ['people.csv, line 4, column "ID": duplicate id "7", same as line 2']


def test_read_registrations_cell_longer_than_the_limit():
    long = "x" * (MAX_CELL_CHARS + 1)

    assert problems(f"Name,Company\nAnn,{long}\n") == [
        'people.csv, line 2, column "Company": the cell is 2,001 characters long; '
        "the limit is 2,000"
    ]


def test_read_registrations_bio_has_a_larger_limit():
    fits = "y" * MAX_BIO_CHARS
    assert read(f"Name,Bio\nAnn,{fits}\n").attendees[0].bio == fits

    assert problems(f"Name,Bio\nAnn,{fits}z\n") == [
        'people.csv, line 2, column "Bio": the cell is 20,001 characters long; the limit is 20,000'
    ]


@pytest.mark.parametrize(("char", "code"), [("\x00", "0000"), ("\x07", "0007"), ("\x1b", "001B")])
def test_read_registrations_control_character_in_a_cell(char, code):
    padding = "Bob,filler\n" * 1000  # past the first 8 KB, where a NUL means "binary file"
    text = f"Name,Company\n{padding}Ann,ab{char}c\n"

    assert problems(text) == [
        f'people.csv, line 1002, column "Company": contains a control character (U+{code}) '
        "at position 3; remove it"
    ]


def test_read_registrations_tab_and_newline_are_not_control_problems():
    result = read('Name,Bio\nAnn,"a\tb\nc"\n')

    assert result.attendees[0].bio == "a\tb\nc"


def test_read_registrations_lines_count_physical_lines_after_multiline_cells():
    text = 'Name,Bio,Email\nAnn,"one\ntwo\nthree",a@x.org\nBob,"four\nfive",nope\n'

    assert problems(text) == ['people.csv, line 5, column "Email": not an e-mail address: "nope"']


def test_read_registrations_unclosed_quote():
    assert problems('Name,Bio\nAnn,ok\nBob,"never closed\nCy,x\n') == [
        "people.csv, line 3: a quoted cell is never closed (a missing '\"')"
    ]


def test_read_registrations_collects_every_problem_and_imports_nothing():
    text = (
        "ID,Name,Email,Company\n"
        "1,Ann,ann@x.org,Acme\n"
        "2,,bob@x.org,Acme\n"
        "1,Cy,cy-at-x.org,Acme\n"
        "4,Dee,ann@x.org,Acme\n"
        "5,Eve,eve@x.org,Acme, Inc\n"
    )

    assert problems(text) == [
        'people.csv, line 3, column "Name": the name is empty',
        'people.csv, line 4, column "Email": not an e-mail address: "cy-at-x.org"',
        'people.csv, line 4, column "ID": duplicate id "1", same as line 2',
        'people.csv, line 5, column "Email": duplicate e-mail, same as line 2',
        "people.csv, line 6: the row has 5 cells but the header has 4; "
        "is there an unquoted comma in a cell?",
    ]


def test_read_registrations_import_rows_error_message_lists_the_problems():
    with pytest.raises(ImportRowsError) as caught:
        read("Name,Email\nAnn,x\n")

    assert caught.value.message == (
        "people.csv: 1 problem; nothing was imported\n"
        'people.csv, line 2, column "Email": not an e-mail address: "x"'
    )


def test_read_registrations_json_item_problems_say_item():
    items = [
        {"name": "Ann", "email": "ann@x.org"},
        "Bob",
        {"name": "Cy", "email": "ANN@x.org", "interests": [{"a": 1}]},
        {"name": ["Dee", "Lee"]},
    ]

    assert problems(json.dumps(items), filename="people.json") == [
        "people.json, line 2: item 2: expected an object of fields, found a string",
        'people.json, line 3, column "interests": item 3: expected text or a list of texts, '
        "found a list of other things",
        'people.json, line 3, column "email": item 3: duplicate e-mail, same as item 1',
        'people.json, line 4, column "name": item 4: expected text, found a list',
    ]


def test_read_registrations_json_control_character_is_a_problem():
    assert problems(json.dumps([{"name": "A\u0000nn"}]), filename="p.json") == [
        'p.json, line 1, column "name": item 1: contains a control character (U+0000) '
        "at position 2; remove it"
    ]


# -- file problems ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n"])
def test_read_registrations_empty_file(data):
    assert file_error(data) == "people.csv: the file is empty"


@pytest.mark.parametrize("text", ["Name,Email\n", "Name,Email\n\n,\n  \n"])
def test_read_registrations_header_without_rows(text):
    assert file_error(text) == "people.csv: no attendees (there is a header but no data rows)"


def test_read_registrations_json_without_items():
    assert file_error('{"attendees": []}', filename="p.json") == (
        "p.json: no attendees (the list is empty)"
    )


def test_read_registrations_binary_file():
    assert file_error(b"Name\nAnn\x00\x01\x02\n") == (
        "people.csv: this looks like a binary file (it contains NUL bytes), not CSV or JSON text"
    )


def test_read_registrations_excel_workbook():
    assert file_error(b"PK\x03\x04\x14\x00\x06\x00", filename="people.xlsx") == (
        "people.xlsx: this is an Excel workbook (.xlsx) or other zip archive, "
        "not CSV or JSON; save it as CSV"
    )


def test_read_registrations_undecodable_bytes():
    data = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xFF, 0xFE, 0x80]) * 500

    assert file_error(data) == (
        "people.csv: cannot be decoded as text (is it a binary file?); save it as UTF-8 CSV"
    )


def test_read_registrations_invalid_json_gives_line_and_column():
    text = '[\n  {"name": "Ann"},\n  {"name": "Bob",}\n]'

    assert file_error(text, filename="p.json") == (
        "p.json: not valid JSON: Expecting property name enclosed in double quotes "
        "(line 3, column 18)"
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [('"Ann"', "a string"), ('{"people": []}', "an object"), ("42", "a number")],
)
def test_read_registrations_wrong_json_shape(text, found):
    assert file_error(text, filename="p.json") == (
        'p.json: expected a JSON list of attendees or an object with an "attendees" list, '
        f"found {found}"
    )


def test_read_registrations_file_larger_than_the_limit(monkeypatch):
    monkeypatch.setattr(registrations, "MAX_FILE_BYTES", 3 * 2**20)
    data = b"Name\n" + b"Ann\n" * 2**20  # 4 MB

    assert file_error(data) == "people.csv: the file is larger than 3 MB; split it"


def test_read_registrations_path_missing_file(tmp_path):
    missing = tmp_path / "nope.csv"

    with pytest.raises(InputFileError) as caught:
        read_registrations_path(missing)

    assert caught.value.message == f"{missing}: no such file"


def test_read_registrations_path_folder(tmp_path):
    with pytest.raises(InputFileError, match="is a folder, not a file"):
        read_registrations_path(tmp_path)


def test_read_registrations_path_names_the_path_in_row_problems(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("Name,Email\nZoë,zoe\n".encode("cp1252"))

    with pytest.raises(ImportRowsError) as caught:
        read_registrations_path(path, mapping={"name": "Name"})

    assert [p.message for p in caught.value.problems] == [
        f'{path}, line 2, column "Email": not an e-mail address: "zoe"'
    ]


# -- big and generated inputs -------------------------------------------------------------------


def test_read_registrations_100k_rows():
    lines = ["ID,First Name,Last Name,Email,Interests,Bio"]
    lines += [
        f'{i},Person,No{i},p{i}@example.org,"topic {i % 97}; topic {i % 13}",Bio of {i}'
        for i in range(100_000)
    ]
    data = ("\n".join(lines) + "\n").encode()

    result = read(data)

    assert len(result.attendees) == 100_000
    spot = result.attendees[76_543]
    assert (spot.id, spot.name, spot.email, spot.interests) == (
        "76543",
        "Person No76543",
        "p76543@example.org",
        ("topic 10", "topic 12"),
    )


_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=30
).filter(lambda s: s == s.strip() and s.strip())
_INTEREST = _TEXT.filter(lambda s: not any(c in s for c in ";,|\n"))


@settings(deadline=None, max_examples=60)
@given(
    people=st.lists(
        st.tuples(_TEXT, st.lists(_INTEREST, max_size=4, unique_by=str.casefold)),
        min_size=1,
        max_size=8,
    )
)
def test_read_registrations_reads_back_what_csv_writer_wrote(people):
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["Name", "Interests"])
    for name, interests in people:
        writer.writerow([name, "; ".join(interests)])

    result = read(rows.getvalue())

    assert [(a.name, list(a.interests)) for a in result.attendees] == people


def test_read_registrations_empty_id_cell_falls_back_to_the_row_number():
    result = read("ID,Name\nx-1,Ann\n,Bob\n")

    assert [a.id for a in result.attendees] == ["x-1", "2"]


def test_read_headers_lists_csv_and_json_headers_even_when_rows_are_bad():
    assert read_headers(b"Name,Email,,Stuff I like\nAnn,not-an-email,,chess\n", "r.csv") == (
        "Name",
        "Email",
        "Stuff I like",
    )
    assert read_headers(b'[{"name": "Ann", "topics": "chess"}]', "r.json") == ("name", "topics")


def test_read_headers_of_an_empty_file_is_an_error():
    with pytest.raises(InputFileError, match="empty"):
        read_headers(b"  \n", "r.csv")
