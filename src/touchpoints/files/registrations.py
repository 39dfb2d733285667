"""Read registration files (CSV or JSON) into attendees, all or nothing.

An organizer exports registrations from a ticketing tool or a form and imports
them here. Such files are messy: odd encodings, semicolon-separated exports from
a German Excel, stray control characters, duplicated rows. Rather than import half
a file, every bad row is collected and reported with its line and column, and
nothing is imported until the file is fixed (:class:`ImportRowsError`). Problems
with the file as a whole (empty, binary, not JSON) raise :class:`InputFileError`.

Cells are taken verbatim, only trimmed: a cell such as ``=cmd|' /C calc'!A0`` is
just text here; escaping spreadsheet formulas is the exporters' job.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO, Literal, Protocol

import charset_normalizer

from touchpoints.core.model import Attendee
from touchpoints.errors import ImportRowsError, InputFileError, RowProblem
from touchpoints.files.columns import (
    LIST_FIELDS,
    ColumnMapping,
    field_for_header,
    resolve_mapping,
)

__all__ = [
    "MAX_BIO_CHARS",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "ImportResult",
    "read_headers",
    "read_registrations",
    "read_registrations_path",
]

#: The largest file read at all; bigger ones are refused before parsing.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: The longest cell, in characters, except in the bio column.
MAX_CELL_CHARS = 2_000
#: The longest bio (free text: about, abstract, description), in characters.
MAX_BIO_CHARS = 20_000

Format = Literal["csv", "json"]
Overrides = Mapping[str, str | Sequence[str]]
_Cell = str | list[str]

_SNIFF_BYTES = 8192
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # every C0/C1 control but \t and \n
_SPLIT = re.compile(r"[;,|\n]")
_EMAIL = re.compile(r"[^\s@,;<>()\[\]\"]+@[^\s@,;<>()\[\]\"]+\.[^\s@,;<>()\[\]\".]{2,}")
_SEP_LINE = re.compile(r"sep=(.)\n")  # Excel's "sep=;" first line
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_MAGIC = (  # (first bytes, what the file is, what to do)
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or other zip archive", "save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "an Excel workbook (.xls)", "save it as CSV"),
    (b"%PDF", "a PDF document", "export the registrations as CSV"),
)
_UNICODE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The attendees of a registration file, and what the import made of its columns."""

    attendees: tuple[Attendee, ...]
    mapping: ColumnMapping  # the mapping actually used
    unknown_columns: tuple[str, ...]  # headers not mapped to anything (reported, not fatal)
    warnings: tuple[str, ...]  # human-readable, e.g. unknown columns


def read_headers(data: bytes, filename: str) -> tuple[str, ...]:
    """A registration file's non-empty column headers in file order, read as
    :func:`read_registrations` reads them (even when rows have problems), e.g. to
    offer every column in a mapping form.

    Raises
    ------
    InputFileError
        When the file cannot be read at all (:class:`ImportRowsError` for a bad header).
    """
    if not data.strip():
        raise InputFileError(f"{filename}: the file is empty", filename=filename)
    text, _ = _decode(data, filename)
    table = (
        _read_json(text, filename)
        if _guess_format(filename, text) == "json"
        else _read_csv(text, filename)
    )
    return tuple(dict.fromkeys(h for h in table.headers if h.strip()))


def read_registrations(
    fp: BinaryIO,
    *,
    filename: str,
    format: Format | None = None,
    mapping: Overrides | None = None,
) -> ImportResult:
    """Read the attendees of a CSV or JSON registration file.

    ``filename`` names the file in messages and, when ``format`` is None, picks the
    format by extension (else the content decides). ``mapping`` overrides the guessed
    columns: ``{"field": "Header"}``, see :meth:`ColumnMapping.with_overrides`.

    Raises InputFileError for a file that cannot be read at all, ColumnMappingError
    when the columns do not fit, and ImportRowsError listing every bad row.
    """
    if format not in (None, "csv", "json"):
        raise ValueError(f'format must be "csv", "json" or None, not {format!r}')
    data = fp.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputFileError(
            f"{filename}: the file is larger than {MAX_FILE_BYTES // 2**20} MB; split it",
            filename=filename,
        )
    if not data.strip():
        raise InputFileError(f"{filename}: the file is empty", filename=filename)
    text, encoding = _decode(data, filename)
    if not text.strip():
        raise InputFileError(f"{filename}: the file is empty", filename=filename)
    if format is None:
        format = _guess_format(filename, text)
    table = _read_json(text, filename) if format == "json" else _read_csv(text, filename)
    chosen = resolve_mapping(table.headers, mapping, filename=filename)
    result = _Builder(table, chosen, filename).build()
    if encoding not in ("utf-8", "utf-16", "utf-32"):  # a guess: worth a second look
        note = f"Read {filename} as {encoding}, not UTF-8: check that accented letters look right"
        result = ImportResult(
            result.attendees, result.mapping, result.unknown_columns, (note, *result.warnings)
        )
    return result


def read_registrations_path(
    path: str | os.PathLike[str],
    *,
    mapping: Overrides | None = None,
    format: Format | None = None,
) -> ImportResult:
    """Open ``path`` and read it with :func:`read_registrations`; the path names it in messages."""
    filename = os.fspath(path)
    try:
        fp = open(path, "rb")  # closed by the with below; only open() is guarded
    except FileNotFoundError:
        raise InputFileError(f"{filename}: no such file", filename=filename) from None
    except IsADirectoryError:
        raise InputFileError(f"{filename}: is a folder, not a file", filename=filename) from None
    except OSError as exc:
        raise InputFileError(
            f"{filename}: cannot be opened: {exc.strerror}", filename=filename
        ) from None
    with fp:
        return read_registrations(fp, filename=filename, format=format, mapping=mapping)


# -- bytes to text ------------------------------------------------------------------------------


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    """The text of the file, and the encoding it was read with.

    UTF-8 (with or without a BOM) and BOM-marked UTF-16/32 are read as such. Anything
    else is most often Windows-1252 from Excel, which charset-normalizer tends to
    mistake for a Central European or Arabic code page on small files, so cp1252 is
    tried first when its reading looks like Western text; other files go to
    charset-normalizer.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    else:
        for bom, encoding in _UNICODE_BOMS:
            if data.startswith(bom):
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    raise _undecodable(filename) from None
    head = data[:_SNIFF_BYTES]
    for magic, kind, advice in _MAGIC:
        if head.startswith(magic):
            raise InputFileError(
                f"{filename}: this is {kind}, not CSV or JSON; {advice}", filename=filename
            )
    if b"\x00" in head:
        raise InputFileError(
            f"{filename}: this looks like a binary file (it contains NUL bytes), "
            "not CSV or JSON text",
            filename=filename,
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        western: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _looks_western(western):
        return western, "cp1252"
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is not None:
        # On short files a Mac or DOS code page often edges out the Windows one the file
        # was written in (mac_cyrillic for cp1251); Windows code pages win near-ties.
        windows = [
            m for m in matches if m.encoding.startswith("cp125") and m.chaos < best.chaos + 0.05
        ]
        chosen = windows[0] if windows else best
        return str(chosen), chosen.encoding
    if western is not None:
        return western, "cp1252"
    raise _undecodable(filename)


def _undecodable(filename: str) -> InputFileError:
    return InputFileError(
        f"{filename}: cannot be decoded as text (is it a binary file?); save it as UTF-8 CSV",
        filename=filename,
    )


def _looks_western(text: str) -> bool:
    """Whether non-ASCII letters stand alone ("Zoë", "Müller"), as in Western languages.

    Cyrillic or Greek bytes read as cp1252 come out as runs of accented letters
    ("Èâàí"); Western text rarely has three non-ASCII letters in a row.
    """
    total = sum(1 for c in text if ord(c) > 127)
    in_runs = sum(len(run) for run in re.findall(r"[^\x00-\x7f]{3,}", text))
    return in_runs <= 0.3 * total


def _guess_format(filename: str, text: str) -> Format:
    extension = os.path.splitext(filename)[1].lower()
    if extension == ".json":
        return "json"
    if extension in (".csv", ".tsv", ".tab", ".txt"):
        return "csv"
    return "json" if re.match(r"\s*[\[{]", text) else "csv"


# -- text to a table ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Table:
    """Headers, and the records aligned with them (read lazily, problems collected)."""

    headers: tuple[str, ...]
    records: Iterator[tuple[int, Sequence[_Cell]]]  # (line or item number, cells)
    problems: list[RowProblem]
    unit: str  # what a location is called in messages: "line" or "item"
    check_controls: bool = True  # False when the whole text has no control character
    delimiter: str = ","
    unnamed_with_data: set[int] = field(default_factory=set)


def _read_csv(text: str, filename: str) -> _Table:
    """The header row and a lazy reader of the rows, each with its first physical line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    offset = 0
    sep = _SEP_LINE.match(text)
    if sep:
        delimiter, text, offset = sep.group(1), text[sep.end() :], 1
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[RowProblem] = []
    rows = _csv_rows(reader, offset, problems, filename)
    headers: tuple[str, ...] | None = None
    for _, row in rows:
        if problems:
            break
        if any(cell.strip() for cell in row):
            headers = tuple(cell.strip() for cell in row)
            break
    if problems:
        raise ImportRowsError(problems, filename=filename)
    if headers is None:
        raise InputFileError(f"{filename}: the file is empty", filename=filename)
    table = _Table(headers, iter(()), problems, "line", bool(_CONTROL.search(text)), delimiter)
    table.records = _csv_records(rows, table, filename)
    return table


class _LineReader(Protocol):
    """What csv.reader returns: rows, and the number of lines read so far."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def _csv_rows(
    reader: _LineReader, offset: int, problems: list[RowProblem], filename: str
) -> Iterator[tuple[int, list[str]]]:
    """Rows with the physical line they start on; a row the reader rejects becomes a problem.

    The reader's ``line_num`` is the row's *last* line (a quoted cell may span lines),
    so a row starts one line after the previous row ended.
    """
    end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(RowProblem(filename, offset + end + 1, None, _csv_problem(exc)))
            end = reader.line_num
            continue
        start, end = end + 1, reader.line_num
        yield offset + start, row


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quoted cell is never closed (a missing '\"')"
    if "expected after" in text:
        return f'cannot read this row: {text} (a quote inside a quoted cell is written "")'
    if "field larger than field limit" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return f"cannot read this row: {text}"


def _csv_records(
    rows: Iterator[tuple[int, list[str]]], table: _Table, filename: str
) -> Iterator[tuple[int, Sequence[_Cell]]]:
    width = len(table.headers)
    unnamed = [i for i, h in enumerate(table.headers) if not h]
    separator = _DELIMITER_NAMES.get(table.delimiter, repr(table.delimiter))
    for line, row in rows:
        if not any(row):
            continue  # blank line
        if len(row) > width:
            if any(cell.strip() for cell in row[width:]):
                # The cells no longer line up with the header: checking them would
                # only add noise ("not an e-mail address" for a shifted cell).
                table.problems.append(
                    RowProblem(
                        filename,
                        line,
                        None,
                        f"the row has {len(row)} cells but the header has {width}; "
                        f"is there an unquoted {separator} in a cell?",
                    )
                )
                continue
            del row[width:]
        elif len(row) < width:
            row.extend([""] * (width - len(row)))
        if not any(cell.strip() for cell in row):
            continue  # a row of empty cells, as Excel writes below the data
        for i in unnamed:
            if row[i].strip():
                table.unnamed_with_data.add(i)
        yield line, row


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: the one whose header cells are known fields, else the tidiest.

    csv.Sniffer is easily fooled by commas inside cells; recognized headers are a far
    stronger hint, then rows as wide as the header, then the widest header.
    """
    sample = text[:65536]
    best, best_score = ",", (-1, -1, -1, 0)
    for rank, delimiter in enumerate(_DELIMITERS):
        rows: list[list[str]] = []
        try:
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(row):
                    rows.append(row)
                if len(rows) >= 20:
                    break
        except csv.Error:
            pass
        if not rows:
            continue
        header = rows[0]
        known = sum(field_for_header(h) is not None for h in header)
        # A one-column reading fits every row trivially; it must not beat the comma.
        steady = sum(len(row) == len(header) for row in rows[1:]) if len(header) > 1 else 0
        score = (known, steady, len(header), -rank)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_json(text: str, filename: str) -> _Table:
    """A list of objects, or ``{"attendees": [...]}``; keys are headers, in order of appearance."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{filename}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            filename=filename,
        ) from None
    except RecursionError:
        raise InputFileError(
            f"{filename}: the JSON is nested too deeply", filename=filename
        ) from None
    if isinstance(document, dict) and isinstance(document.get("attendees"), list):
        items: list[object] = document["attendees"]
    elif isinstance(document, list):
        items = document
    else:
        raise InputFileError(
            f'{filename}: expected a JSON list of attendees or an object with an "attendees" '
            f"list, found {_json_kind(document)}",
            filename=filename,
        )
    if not items:
        raise InputFileError(f"{filename}: no attendees (the list is empty)", filename=filename)
    keys = (k for item in items if isinstance(item, dict) for k in item)
    headers = tuple(dict.fromkeys(keys))
    table = _Table(headers, iter(()), [], "item")
    table.records = _json_records(items, table, filename)
    return table


def _json_records(
    items: list[object], table: _Table, filename: str
) -> Iterator[tuple[int, Sequence[_Cell]]]:
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            table.problems.append(
                RowProblem(
                    filename,
                    number,
                    None,
                    f"item {number}: expected an object of fields, found {_json_kind(item)}",
                )
            )
            continue
        cells: list[_Cell] = []
        for header in table.headers:
            cell = _json_cell(item.get(header))
            if cell is None:
                kind = _json_kind(item[header])
                problem = f"item {number}: expected text or a list of texts, found {kind}"
                table.problems.append(RowProblem(filename, number, header, problem))
                cell = ""
            cells.append(cell)
        if any(cells):
            yield number, cells


def _json_cell(value: object) -> _Cell | None:
    """A JSON value as a cell: text, or a list of texts; None when it is neither."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _one_newline(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        texts: list[str] = []
        for part in value:
            cell = _json_cell(part)
            if not isinstance(cell, str):
                return None
            texts.append(cell)
        return texts
    return None


def _json_kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list of other things" if value else "an empty list"
    if isinstance(value, str):
        return "a string"
    return "null" if value is None else "a number" if isinstance(value, int | float) else "a value"


def _one_newline(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# -- a table to attendees -----------------------------------------------------------------------


class _Builder:
    """Turns a table's records into attendees in one pass, collecting every problem."""

    def __init__(self, table: _Table, mapping: ColumnMapping, filename: str) -> None:
        self.table = table
        self.mapping = mapping
        self.filename = filename
        self.headers = table.headers
        self.prefix = "item {}: " if table.unit == "item" else ""
        first: dict[str, int] = {}
        for i, header in enumerate(self.headers):
            first.setdefault(header, i)
        self.first = first
        self.used: set[int] = set()
        self.limits = [MAX_CELL_CHARS] * len(self.headers)
        for i in self._columns("bio"):
            self.limits[i] = MAX_BIO_CHARS

    def _columns(self, field: str) -> tuple[int, ...]:
        """The column indexes feeding ``field``: every same-named one for list fields."""
        wanted = self.mapping.headers_for(field)
        if field in LIST_FIELDS:
            found = tuple(i for i, h in enumerate(self.headers) if h in wanted)
        else:
            found = (self.first[wanted[0]],) if wanted else ()
        self.used.update(found)
        return found

    def build(self) -> ImportResult:
        col = {f: self._columns(f) for f in ("id", "name", "first_name", "last_name", "email")}
        scalars = {f: self._columns(f) for f in ("organization", "job_title", "bio", "hometown")}
        lists = {f: self._columns(f) for f in LIST_FIELDS}
        name_column = self.mapping.name or self.mapping.first_name or ""
        unknown = [i for i in range(len(self.headers)) if i not in self.used]

        attendees: list[Attendee] = []
        emails: dict[str, int] = {}
        ids: dict[str, int] = {}
        count = 0
        for line, cells in self.table.records:
            count += 1
            self._check_cells(line, cells)
            reported = len(self.table.problems)
            name = self._text(line, cells, col["name"])
            if not name:
                first = self._text(line, cells, col["first_name"])
                name = " ".join(p for p in (first, self._text(line, cells, col["last_name"])) if p)
            if not name and len(self.table.problems) == reported:  # not already said why
                self._problem(line, name_column, "the name is empty")
            email = self._text(line, cells, col["email"])
            if email:
                if not _EMAIL.fullmatch(email):
                    shown = email if len(email) <= 60 else email[:57] + "..."
                    self._problem(line, self.mapping.email, f'not an e-mail address: "{shown}"')
                else:
                    self._unique(emails, email.casefold(), line, self.mapping.email, "e-mail")
            ident = self._text(line, cells, col["id"]) or str(count)  # an empty id: row number
            if col["id"]:
                self._unique(ids, ident, line, self.mapping.id, f'id "{ident}"')
            values = {f: self._text(line, cells, c) or None for f, c in scalars.items()}
            attendees.append(
                Attendee(
                    id=ident,
                    name=name,
                    email=email or None,
                    organization=values["organization"],
                    job_title=values["job_title"],
                    bio=values["bio"],
                    hometown=values["hometown"],
                    interests=_items(cells, lists["interests"]),
                    languages=_items(cells, lists["languages"]),
                    knows=_items(cells, lists["knows"]),
                    arrived_with=_items(cells, lists["arrived_with"]),
                    want_to_meet=_items(cells, lists["want_to_meet"]),
                    avoid=_items(cells, lists["avoid"]),
                    extra=tuple(
                        (self.headers[i], text) for i in unknown if (text := _joined(cells[i]))
                    ),
                )
            )
        problems = self.table.problems
        if problems:
            problems.sort(key=lambda p: p.line)
            raise ImportRowsError(problems, filename=self.filename)
        if not attendees:
            raise InputFileError(
                f"{self.filename}: no attendees (there is a header but no data rows)",
                filename=self.filename,
            )
        return ImportResult(
            attendees=tuple(attendees),
            mapping=self.mapping,
            unknown_columns=tuple(
                dict.fromkeys(self.headers[i] for i in unknown if self.headers[i])
            ),
            warnings=tuple(self._warnings(unknown)),
        )

    def _check_cells(self, line: int, cells: Sequence[_Cell]) -> None:
        """Length limits and control characters, for every cell of the row."""
        check_controls = self.table.check_controls
        for i, cell in enumerate(cells):
            for part in (cell,) if isinstance(cell, str) else cell:
                if len(part) > self.limits[i]:
                    self._problem(
                        line,
                        self.headers[i],
                        f"the cell is {len(part):,} characters long; "
                        f"the limit is {self.limits[i]:,}",
                    )
                if check_controls and (found := _CONTROL.search(part)):
                    self._problem(
                        line,
                        self.headers[i],
                        f"contains a control character (U+{ord(found.group()):04X}) "
                        f"at position {found.start() + 1}; remove it",
                    )

    def _text(self, line: int, cells: Sequence[_Cell], columns: tuple[int, ...]) -> str:
        """The trimmed text of a one-value field ("" when absent); a JSON list is a problem."""
        if not columns:
            return ""
        cell = cells[columns[0]]
        if isinstance(cell, list):
            self._problem(line, self.headers[columns[0]], "expected text, found a list")
            return ""
        return cell.strip()

    def _unique(
        self, seen: dict[str, int], key: str, line: int, column: str | None, what: str
    ) -> None:
        earlier = seen.setdefault(key, line)
        if earlier != line:
            self._problem(line, column, f"duplicate {what}, same as {self.table.unit} {earlier}")

    def _problem(self, line: int, column: str | None, problem: str) -> None:
        text = self.prefix.format(line) + problem
        self.table.problems.append(RowProblem(self.filename, line, column or None, text))

    def _warnings(self, unknown: list[int]) -> Iterator[str]:
        mapped = self.mapping.mapped_headers
        reported: set[str] = set()
        for i in unknown:
            header = self.headers[i]
            if not header:
                if i in self.table.unnamed_with_data:
                    yield f"Ignored column {i + 1} (it has no header)"
            elif header in mapped:
                yield f'Ignored column {i + 1}, a second column named "{header}"'
            elif header not in reported:
                reported.add(header)
                yield (
                    f'Ignored column "{header}" (not a known field; '
                    "map it with --column FIELD=HEADER)"
                )


def _items(cells: Sequence[_Cell], columns: tuple[int, ...]) -> tuple[str, ...]:
    """The list in those columns: cells split on ; , | or new lines, de-duplicated.

    A JSON list is taken as already split. Duplicates are compared case-insensitively
    and the first spelling is kept.
    """
    seen: dict[str, str] = {}
    for i in columns:
        cell = cells[i]
        parts = cell if isinstance(cell, list) else _SPLIT.split(cell)
        for part in parts:
            text = part.strip()
            if text:
                seen.setdefault(text.casefold(), text)
    return tuple(seen.values())


def _joined(cell: _Cell) -> str:
    return (
        "; ".join(p.strip() for p in cell if p.strip()) if isinstance(cell, list) else cell.strip()
    )
