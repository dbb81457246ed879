"""Reading an uploaded CSV file: UTF-8 with or without a byte-order mark, comma-, semicolon- or
tab-separated (Excel writes semicolons where the decimal mark is a comma: lt, lv, fi, pl), a header
line naming the columns. Problems with the file as a whole are ValidationErrors raised before any row
is read; each row comes with the number of the line it starts on, for the error report."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DELIMITERS = (",", ";", "\t")
# A cell may be as long as the longest notes; csv's default limit (128 KiB) would stop the file.
csv.field_size_limit(1024 * 1024)
# Export escapes cells a spreadsheet would run as a formula with a leading apostrophe; import drops it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def column_key(header: str) -> str:
    """ "time_zone" from "Time zone", " TIME-ZONE " and the like."""
    return "_".join(header.strip().lower().replace("-", " ").split())


def unescape(value: str) -> str:
    value = value.strip()
    if value.startswith("'") and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


@dataclass
class Table:
    columns: list[str]  # column keys, in file order
    reader: "csv._reader"

    def rows(self) -> Iterator[tuple[int, dict[str, str] | ValidationError]]:
        """(line, cells by column) for each non-empty row, or (line, error) for a row that does not fit
        the header. A file that stops being CSV ends the rows with a ValidationError."""
        while True:
            start = self.reader.line_num + 1
            try:
                cells = next(self.reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ValidationError(
                    _("Line %(line)s is not valid CSV (%(reason)s); the rows after it were not read.")
                    % {"line": start, "reason": error}
                ) from None
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(self.columns):
                yield (
                    start,
                    ValidationError(
                        _("This line has %(cells)s values but the header names %(columns)s columns.")
                        % {"cells": len(cells), "columns": len(self.columns)}
                    ),
                )
                continue
            cells += [""] * (len(self.columns) - len(cells))
            yield start, {column: unescape(cell) for column, cell in zip(self.columns, cells, strict=True)}


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”.")
        ) from None


def sniff_delimiter(header_line: str) -> str:
    """The separator the header uses most: column names themselves never contain one."""
    return max(DELIMITERS, key=header_line.count)


def read_table(
    data: bytes,
    *,
    known: dict[str, str],
    required: set[str] = frozenset(),
    one_of: set[str] = frozenset(),
    max_rows: int | None = None,
) -> Table:
    """The file's table, once its header is checked against `known` (column key -> alias of, e.g.
    {"time_zone": "time_zone", "account_manager": "account_manager_email"}) and its rows counted
    against `max_rows`."""
    text = decode(data)
    if not text.strip():
        raise ValidationError(_("The file is empty."))
    first_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    header: list[str] = []
    while not any(cell.strip() for cell in header):  # blank lines before the header are skipped
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            raise ValidationError(_("The file is empty.")) from None
    columns = [known.get(column_key(cell), "") for cell in header]
    unknown = [cell.strip() for cell, column in zip(header, columns, strict=True) if not column]
    expected = ", ".join(sorted(set(known.values())))
    if unknown and len(unknown) == len(header):
        raise ValidationError(
            _("The first line must name the columns (%(expected)s), but it reads: %(line)s")
            % {"expected": expected, "line": first_line[:200]}
        )
    if unknown:
        raise ValidationError(
            _("Unknown columns: %(unknown)s. The columns are: %(expected)s.")
            % {"unknown": ", ".join(unknown), "expected": expected}
        )
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    if repeated:
        raise ValidationError(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    missing = sorted(required - set(columns))
    if missing:
        raise ValidationError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if one_of and not one_of & set(columns):
        raise ValidationError(
            _("The file needs at least one of the columns %(columns)s.")
            % {"columns": ", ".join(sorted(one_of))}
        )
    if max_rows is not None:
        _check_row_count(text, reader.dialect.delimiter, max_rows)
    return Table(columns, reader)


def _check_row_count(text: str, delimiter: str, max_rows: int) -> None:
    """Refuse a file with more rows than the page imports in one request, before any is written."""
    counter = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = sum(1 for cells in counter if any(cell.strip() for cell in cells)) - 1  # less the header
    except csv.Error:
        return  # the import reports where the file breaks, with the rows before it
    if rows > max_rows:
        raise ValidationError(
            _(
                "The file has %(rows)s rows; the import page takes up to %(max)s at a time. Split the file, "
                "or ask an admin to run manage.py import_customers."
            )
            % {"rows": rows, "max": max_rows}
        )
