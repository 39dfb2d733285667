from __future__ import annotations

import pytest

from touchpoints.errors import ColumnMappingError
from touchpoints.files.columns import (
    FIELDS,
    ColumnMapping,
    field_for_header,
    guess_mapping,
    resolve_mapping,
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # Eventbrite
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Email", "email"),
        ("Attendee #", "id"),
        ("Job Title", "job_title"),
        ("Company", "organization"),
        ("Home City", "hometown"),
        # Meetup
        ("Name", "name"),
        ("Member ID", "id"),
        ("Title", "job_title"),
        # Tito
        ("Ticket Full Name", "name"),
        ("Ticket Email", "email"),
        ("Ticket Company Name", "organization"),
        ("Ticket Reference", "id"),
        # Google Forms and hand-made sheets
        ("Email Address", "email"),
        ("Attendee email", "email"),
        ("E-mail", "email"),
        ("e_mail", "email"),
        ("Full Name", "name"),
        ("What is your name?", "name"),
        ("Company / Organization", "organization"),
        ("Organisation", "organization"),
        ("Affiliation", "organization"),
        ("Role", "job_title"),
        ("Position", "job_title"),
        ("What are your interests?", "interests"),
        ("Interests (separate with ;)", "interests"),
        ("Interest 1", "interests"),
        ("Interest_2", "interests"),
        ("Topics", "interests"),
        ("Hobbies", "interests"),
        ("Which topics would you like to talk about?", "interests"),
        ("Bio", "bio"),
        ("About", "bio"),
        ("Abstract", "bio"),
        ("Description", "bio"),
        ("Tell us about yourself", "bio"),
        ("Hometown", "hometown"),
        ("Home town", "hometown"),
        ("City", "hometown"),
        ("Location", "hometown"),
        ("Where are you from?", "hometown"),
        ("Languages", "languages"),
        ("Which languages do you speak?", "languages"),
        ("Knows", "knows"),
        ("Who do you already know?", "knows"),
        ("Arrived with", "arrived_with"),
        ("Coming with", "arrived_with"),
        ("Who are you coming with?", "arrived_with"),
        ("Group", "arrived_with"),
        ("Companions", "arrived_with"),
        ("Want to meet", "want_to_meet"),
        ("Who would you like to meet?", "want_to_meet"),
        ("E-mail of people you want to meet", "want_to_meet"),
        ("Avoid", "avoid"),
        ("Do not seat me with", "avoid"),
        # JSON keys
        ("firstName", "first_name"),
        ("jobTitle", "job_title"),
        ("wantToMeet", "want_to_meet"),
        ("arrived_with", "arrived_with"),
        ("company_name", "organization"),
        # loose spelling
        ("  EMAIL  ", "email"),
        ("first-name", "first_name"),
        ("Prénom", "first_name"),
    ],
)
def test_field_for_header_recognizes_common_headers(header, field):
    assert field_for_header(header) == field


@pytest.mark.parametrize(
    "header",
    [
        "T-shirt size",
        "How did you hear about us?",
        "Order #",
        "Order Date",
        "Ticket Type",
        "Timestamp",
        "Barcode #",
        "Emergency contact name",
        "Age group",
        "Talk title",
        "",
    ],
)
def test_field_for_header_leaves_unrelated_headers_alone(header):
    assert field_for_header(header) is None


def test_guess_mapping_reads_an_eventbrite_header():
    headers = ["Order #", "First Name", "Last Name", "Email", "Attendee #", "Company", "T-shirt"]

    mapping = guess_mapping(headers)

    assert mapping == ColumnMapping(
        id="Attendee #",
        first_name="First Name",
        last_name="Last Name",
        email="Email",
        organization="Company",
    )


def test_guess_mapping_collects_several_interest_columns_in_file_order():
    headers = ["Name", "Hobbies", "Interest 1", "What are your interests?", "Interest 2"]

    mapping = guess_mapping(headers)

    assert mapping.interests == ("Hobbies", "Interest 1", "What are your interests?", "Interest 2")


def test_guess_mapping_prefers_an_exact_alias_to_a_keyword_match():
    mapping = guess_mapping(["Your preferred name", "Name"])

    assert mapping.name == "Name"


def test_guess_mapping_gives_a_one_value_field_to_the_leftmost_column():
    mapping = guess_mapping(["E-mail", "Email Address", "Name"])

    assert (mapping.email, mapping.mapped_headers) == ("E-mail", frozenset({"E-mail", "Name"}))


def test_guess_mapping_skips_empty_and_repeated_headers():
    mapping = guess_mapping(["", "Name", "Name", "  "])

    assert mapping == ColumnMapping(name="Name")


def test_headers_for_gives_a_tuple_for_every_field():
    mapping = ColumnMapping(name="Name", interests=("A", "B"))

    assert [mapping.headers_for(f) for f in ("name", "interests", "email")] == [
        ("Name",),
        ("A", "B"),
        (),
    ]


def test_headers_for_unknown_field_raises_value_error():
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        ColumnMapping().headers_for("colour")


def test_items_lists_mapped_fields_in_field_order():
    mapping = ColumnMapping(email="Mail", name="Name", interests=("Topics",))

    assert list(mapping.items()) == [
        ("name", ("Name",)),
        ("email", ("Mail",)),
        ("interests", ("Topics",)),
    ]


def test_with_overrides_replaces_the_guess_and_frees_the_header():
    headers = ["Name", "Company", "Employer"]
    mapping = guess_mapping(headers)

    changed = mapping.with_overrides({"hometown": "Company", "organization": "Employer"}, headers)

    assert (changed.organization, changed.hometown) == ("Employer", "Company")


def test_with_overrides_takes_a_header_from_a_list_field():
    headers = ["Name", "Topics", "Hobbies"]

    changed = guess_mapping(headers).with_overrides({"bio": "Hobbies"}, headers)

    assert (changed.interests, changed.bio) == (("Topics",), "Hobbies")


def test_with_overrides_accepts_a_loosely_spelled_header():
    headers = ["Name", "Favourite Topics"]

    changed = ColumnMapping(name="Name").with_overrides({"interests": "favourite_topics"}, headers)

    assert changed.interests == ("Favourite Topics",)


def test_with_overrides_gives_a_list_field_several_headers():
    headers = ["Name", "Likes", "Dislikes", "Skills"]

    changed = ColumnMapping(name="Name").with_overrides({"interests": ["Likes", "Skills"]}, headers)

    assert changed.interests == ("Likes", "Skills")


def test_with_overrides_empty_header_unmaps_the_field():
    headers = ["Name", "First Name", "Last Name"]

    changed = guess_mapping(headers).with_overrides({"name": ""}, headers)

    assert (changed.name, changed.first_name) == (None, "First Name")


@pytest.mark.parametrize(
    ("spelling", "field"),
    [("First name", "first_name"), ("first-name", "first_name"), ("full_name", "name")],
)
def test_with_overrides_accepts_field_spellings(spelling, field):
    changed = ColumnMapping().with_overrides({spelling: "X"}, ["X"])

    assert changed.headers_for(field) == ("X",)


def test_with_overrides_missing_header_raises_naming_it_and_the_columns():
    with pytest.raises(ColumnMappingError) as caught:
        ColumnMapping().with_overrides({"email": "Mail"}, ["Name", "E-mail"], filename="p.csv")

    assert caught.value.message == (
        'p.csv: the column mapping names the column "Mail", but the file has no such column; '
        'its columns are: "Name", "E-mail"'
    )
    assert caught.value.filename == "p.csv"


def test_with_overrides_unknown_field_raises_listing_the_fields():
    with pytest.raises(ColumnMappingError) as caught:
        ColumnMapping().with_overrides({"shoe size": "Name"}, ["Name"], filename="p.csv")

    assert caught.value.message == (
        'p.csv: "shoe size" is not a field a column can be mapped to; '
        f"valid fields: {', '.join(FIELDS)}"
    )


def test_with_overrides_one_value_field_refuses_two_headers():
    with pytest.raises(ColumnMappingError, match="the field email takes one column, not 2"):
        ColumnMapping().with_overrides({"email": ["A", "B"]}, ["A", "B"], filename="p.csv")


def test_resolve_mapping_without_a_name_column_raises():
    with pytest.raises(ColumnMappingError) as caught:
        resolve_mapping(["Email", "Company"], filename="p.csv")

    assert caught.value.message.startswith("p.csv: no column holds the attendees' names")
    assert 'the columns are: "Email", "Company"' in caught.value.message


def test_resolve_mapping_accepts_a_first_name_alone():
    mapping = resolve_mapping(["Given name", "Email"])

    assert (mapping.name, mapping.first_name) == (None, "Given name")


def test_resolve_mapping_override_can_supply_the_name():
    mapping = resolve_mapping(["Wer", "Email"], {"name": "Wer"})

    assert mapping.name == "Wer"
