"""Importers and exporters: registration files (CSV, JSON) in, and the column mapping.

Importers take binary file objects, not paths, so tests can use ``io.BytesIO``;
``read_registrations_path`` is the convenience for the CLI.
"""

from __future__ import annotations

from touchpoints.files.columns import FIELDS, ColumnMapping, guess_mapping, resolve_mapping
from touchpoints.files.registrations import (
    MAX_BIO_CHARS,
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    ImportResult,
    read_registrations,
    read_registrations_path,
)

__all__ = [
    "FIELDS",
    "MAX_BIO_CHARS",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "ColumnMapping",
    "ImportResult",
    "guess_mapping",
    "read_registrations",
    "read_registrations_path",
    "resolve_mapping",
]
