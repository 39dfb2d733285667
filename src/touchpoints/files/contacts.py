"""An attendee's touchpoints out, for the follow-up after the event: vCard and CSV.

Each :class:`~touchpoints.core.touchpoints.Contact` holds only what that person chose
to release by a mutual touchpoint (their name always; e-mail, phone and profile link
when shared), and that is all that is written: a detail that is ``None`` gets no
property and an empty cell. CSV cells a spreadsheet would run as a formula are
defused with a leading apostrophe.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

import vobject

from touchpoints.core.touchpoints import Contact
from touchpoints.files.matches import spreadsheet_safe

__all__ = ["CONTACT_COLUMNS", "write_contacts_csv", "write_contacts_vcf"]

CONTACT_COLUMNS = ("name", "email", "phone", "link")


def write_contacts_vcf(out: TextIO, contacts: Iterable[Contact], *, note: str = "") -> None:
    """One vCard 3.0 per contact, with ``note`` (say, where you met) on each."""
    for contact in contacts:
        card = vobject.vCard()
        card.add("fn").value = contact.name
        given, _, family = contact.name.strip().partition(" ")
        card.add("n").value = vobject.vcard.Name(family=family.strip(), given=given)
        if contact.email:
            email = card.add("email")
            email.value = contact.email
            email.type_param = "INTERNET"
        if contact.phone:
            card.add("tel").value = contact.phone
        if contact.link:
            card.add("url").value = contact.link
        if note:
            card.add("note").value = note
        out.write(card.serialize())


def write_contacts_csv(out: TextIO, contacts: Iterable[Contact]) -> None:
    """One row per contact: name, email, phone, link (empty where not shared)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CONTACT_COLUMNS)
    for contact in contacts:
        cells = (contact.name, contact.email, contact.phone, contact.link)
        writer.writerow([spreadsheet_safe(cell or "") for cell in cells])
