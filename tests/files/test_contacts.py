from __future__ import annotations

import csv
import io

import vobject

from touchpoints.core.touchpoints import Contact
from touchpoints.files.contacts import CONTACT_COLUMNS, write_contacts_csv, write_contacts_vcf

BO = Contact("Bo Chen", "bo@x.org", "+44 20 7946 0958", None)
CY = Contact("Cy", None, None, "https://cy.example.org/me")
FORMULA = Contact('=HYPERLINK("http://evil")', None, None, None)


def _vcards(contacts, **options):
    out = io.StringIO()
    write_contacts_vcf(out, contacts, **options)
    return list(vobject.readComponents(out.getvalue()))


def _csv_rows(contacts):
    out = io.StringIO()
    write_contacts_csv(out, contacts)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_write_contacts_vcf_writes_only_the_details_shared():
    bo, cy = _vcards([BO, CY], note="Touchpoint at Breakfast")

    assert set(bo.contents) == {"version", "fn", "n", "email", "tel", "note"}
    assert (bo.fn.value, bo.email.value, bo.tel.value) == ("Bo Chen", "bo@x.org", BO.phone)
    assert (bo.n.value.given, bo.n.value.family) == ("Bo", "Chen")
    assert bo.note.value == "Touchpoint at Breakfast"
    assert set(cy.contents) == {"version", "fn", "n", "url", "note"}
    assert (cy.fn.value, cy.url.value, cy.n.value.family) == ("Cy", CY.link, "")


def test_write_contacts_vcf_keeps_separators_and_markup_as_text():
    odd = Contact('Ann "<b>" Lee; x, y', None, None, "https://x.org/a?b=1,2;3")

    (card,) = _vcards([odd])

    assert card.fn.value == odd.name
    assert card.url.value == odd.link
    assert "note" not in card.contents


def test_write_contacts_vcf_of_nobody_is_empty():
    assert _vcards([]) == []


def test_write_contacts_csv_has_a_row_per_contact_and_empty_cells_for_what_is_not_shared():
    rows = _csv_rows([BO, CY])

    assert rows == [
        list(CONTACT_COLUMNS),
        ["Bo Chen", "bo@x.org", "'+44 20 7946 0958", ""],  # a leading + is a formula
        ["Cy", "", "", "https://cy.example.org/me"],
    ]


def test_write_contacts_csv_defuses_spreadsheet_formulas():
    sneaky = Contact("@SUM(1)", "-x@y.org", None, None)

    _, formula, at = _csv_rows([FORMULA, sneaky])

    assert formula[0] == '\'=HYPERLINK("http://evil")'
    assert at[:2] == ["'@SUM(1)", "'-x@y.org"]
