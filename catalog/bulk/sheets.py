"""Product spreadsheets in and out: an uploaded CSV or XLSX file read into rows of text, and
rows written back out as CSV or XLSX.

Reading refuses, with a message staff can act on, what is not a product file: another kind
of file, text that is not UTF-8, a file too big to be a product list (``MAX_FILE_BYTES``) or
that unpacks to far more than it weighs, more than ``MAX_ROWS`` products, a header row
without a ``sku`` column. Problems in single cells (a formula, a date, a character the
database cannot store) are collected with their row number and column, so staff see all of
them at once; the row numbers are the ones the spreadsheet shows (the header is row 1).

Spreadsheets run text that starts with ``=`` (and a few other characters) as a formula, so
the export writes such text with a leading apostrophe (``backoffice.reports
.spreadsheet_safe``), as OWASP advises. Reading drops that apostrophe again, so an exported
file imports back unchanged. ``MARKED_STARTS`` must stay the same as the export's list of
formula starts; a test checks that it does.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from catalog.bulk.columns import BY_KEY, MONEY, QUANTITY, column_key
from kernel.input import has_unstorable

CSV = "csv"
XLSX = "xlsx"

MAX_FILE_BYTES = 5 * 1024 * 1024
# An XLSX file is a zip: a small one can unpack to gigabytes of XML (a "zip bomb").
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 1000
MAX_EMPTY_ROWS = 1000  # this many empty rows in a row end the table
MAX_COLUMNS = 100

TEXT_MARK = "'"
MARKED_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
FORMULA_STARTS_IN_CSV = ("=", "\uff1d")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class FileRefused(Exception):
    """The upload is not a product file this import can read; ``message`` says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Problem:
    """Something wrong with one row (``row`` is the spreadsheet's row number), one cell
    (``column`` too), or the whole file (neither)."""

    row: int | None
    column: str | None
    message: str


@dataclass
class Row:
    number: int
    # Column key → the cell's text, stripped ("" when empty). ``None`` for a cell that could
    # not be read (its problem is in ``Sheet.problems``): no further checks on it.
    cells: dict


@dataclass
class Sheet:
    file_name: str
    columns: list  # the keys of the columns the file has, in its order
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # about the file: columns ignored...

    def to_data(self):
        """Plain data for the session, between the dry run and the confirmation."""
        return {
            "file_name": self.file_name,
            "columns": self.columns,
            "rows": [[row.number, row.cells] for row in self.rows],
        }

    @classmethod
    def from_data(cls, data):
        return cls(
            file_name=data["file_name"],
            columns=list(data["columns"]),
            rows=[Row(number, dict(cells)) for number, cells in data["rows"]],
        )


def file_format(name):
    """``CSV`` or ``XLSX`` from a file name, else ``FileRefused`` saying what to upload."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix == ".csv":
        return CSV
    if suffix == ".xlsx":
        return XLSX
    if suffix in (".xls", ".ods", ".numbers"):
        raise FileRefused(
            _(
                "This spreadsheet format cannot be imported. Save it as an Excel workbook "
                "(.xlsx) or as CSV UTF-8 (.csv) and upload that."
            )
        )
    raise FileRefused(_("Upload a .csv or .xlsx file."))


def read_upload(upload):
    """The rows of an uploaded file (a Django ``UploadedFile``), or ``FileRefused``."""
    name = PurePath(upload.name or "").name
    kind = file_format(name)
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise too_big(upload.size)
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_big(len(data))
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    table = _xlsx_table(data) if kind == XLSX else _csv_table(data)
    return _sheet(name, table, kind)


def too_big(size):
    return FileRefused(
        _("The file is %(size)s; a product file can be at most %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(MAX_FILE_BYTES)}
    )


def _too_many_rows():
    return FileRefused(
        _("The file has more than %(count)s rows. Split it into several files.")
        % {"count": MAX_ROWS}
    )


# --- CSV ----------------------------------------------------------------------------------


def _csv_table(data):
    """``(row number, [cell text or problem])`` for each line of a CSV file."""
    if data.startswith(UTF16_BOMS):
        raise not_utf8()
    try:
        # "surrogatepass": a character UTF-8 cannot carry (a lone surrogate) is let through
        # here and refused by the cell check, with its row and column.
        text = data.decode("utf-8-sig", errors="surrogatepass")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise not_utf8(line) from exc
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [_csv_cell(value) for value in cells]
    except csv.Error as exc:
        raise FileRefused(
            _("The file cannot be read as CSV (line %(line)s): %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def not_utf8(line=None):
    if line is None:
        message = _("The file is not UTF-8 text.")
    else:
        message = _("The file is not UTF-8 text (line %(line)s).") % {"line": line}
    return FileRefused(
        message
        + " "
        + _(
            'Save it again as "CSV UTF-8" (Excel) or with the character set "Unicode '
            '(UTF-8)" (LibreOffice), or upload the .xlsx file.'
        )
    )


def _csv_cell(value):
    value = value.strip()
    if value.startswith(FORMULA_STARTS_IN_CSV):
        return CellProblem(formula_message())
    return _text(value)


# --- XLSX ---------------------------------------------------------------------------------


def _xlsx_table(data):
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise not_xlsx() from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(_("The workbook unpacks to too much data to be a product list."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise not_xlsx() from exc
    try:
        if not workbook.worksheets:
            raise not_xlsx()
        sheet = workbook.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            if len(cells) > MAX_COLUMNS:
                cells = cells[:MAX_COLUMNS]
            yield number, [_xlsx_cell(cell) for cell in cells]
    except FileRefused:
        raise
    except Exception as exc:  # damaged XML inside the zip shows up while reading rows
        raise not_xlsx() from exc
    finally:
        workbook.close()


def not_xlsx():
    return FileRefused(
        _("The file cannot be read as an Excel workbook (.xlsx). Open it and save it again.")
    )


def _xlsx_cell(cell):
    value = cell.value
    if value is None:
        return ""
    kind = cell.data_type
    if kind == "f" or (isinstance(value, str) and kind != "s" and value.startswith("=")):
        return CellProblem(formula_message())
    if kind == "e":
        return CellProblem(_("The cell shows a spreadsheet error (%(error)s).") % {"error": value})
    if isinstance(value, bool):
        return CellProblem(_("A true/false value where text or a number belongs."))
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return CellProblem(
            _("A date or time where text or a number belongs. Format the cell as text.")
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        # repr() is the shortest text that reads back as the same float: 19.99, not
        # 19.989999999999998436805981327779591083526611328125.
        return format(Decimal(repr(value) if isinstance(value, float) else value), "f")
    if isinstance(value, str):
        return _text(value.strip())
    return CellProblem(_("This cell cannot be read."))


# --- cells and the header ------------------------------------------------------------------


@dataclass
class CellProblem:
    message: str


def formula_message():
    return _(
        "A formula: type the value itself. To keep text that starts with =, put an "
        "apostrophe (') before it."
    )


def _text(value):
    if has_unstorable(value) or "\x00" in value:
        return CellProblem(
            _("Contains a character that cannot be stored. Type the text again without it.")
        )
    return unmark(value)


def unmark(value):
    """Text the export wrote with a leading apostrophe (so that spreadsheets do not run it)
    as it was: ``'=SUM`` → ``=SUM``. Other text is unchanged."""
    if value.startswith(TEXT_MARK) and value[1:].lstrip(" ").startswith(MARKED_STARTS):
        return value[1:]
    return value


def _sheet(name, table, kind):
    table = iter(table)
    first = next(table, None)
    if first is None or not any(isinstance(c, str) and c for c in first[1]):
        raise FileRefused(_("The first row must name the columns (sku, title, price...)."))
    headers = first[1]
    keys = []
    sheet = Sheet(file_name=name, columns=[])
    for header in headers:
        if isinstance(header, CellProblem) or not header:
            keys.append(None)
            continue
        key = column_key(header)
        if key is None:
            sheet.notes.append(
                _('The column "%(header)s" is not one the import knows; it was ignored.')
                % {"header": header}
            )
        elif key in sheet.columns:
            raise FileRefused(
                _('Two columns are both "%(column)s". Keep one of them.') % {"column": key}
            )
        else:
            sheet.columns.append(key)
        keys.append(key)
    if "sku" not in sheet.columns:
        raise FileRefused(
            _(
                "The file has no sku column. The first row must name the columns; it names: "
                "%(headers)s."
            )
            % {"headers": ", ".join(str(h) for h in headers if isinstance(h, str) and h)}
        )
    last_filled = 1
    for number, cells in table:
        if number - last_filled > MAX_EMPTY_ROWS:
            break  # a sheet formatted down to its millionth row ends long before that
        values = {}
        for key, cell in zip(keys, cells, strict=False):
            if key is None:
                continue
            if isinstance(cell, CellProblem):
                sheet.problems.append(Problem(number, key, cell.message))
                values[key] = None
            else:
                values[key] = cell
        if not any(values.get(key) for key in sheet.columns) and all(
            values.get(key) is not None for key in values
        ):
            continue  # an empty line
        last_filled = number
        if len(sheet.rows) == MAX_ROWS:
            raise _too_many_rows()
        for key in sheet.columns:
            values.setdefault(key, "")
        sheet.rows.append(Row(number, values))
    if not sheet.rows and not sheet.problems:
        raise FileRefused(_("The file has a header row but no products."))
    return sheet


# --- writing -------------------------------------------------------------------------------


def write_csv(headers, rows, safe):
    """UTF-8 CSV with a byte order mark (without one, Excel reads Khmer as Latin letters);
    every cell through ``safe`` (the export's formula guard)."""
    buffer = io.StringIO(newline="")
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if value is None else safe(_plain(value)) for value in row])
    return buffer.getvalue().encode("utf-8")


def write_xlsx(headers, rows, safe, title="Products"):
    """An XLSX workbook with one sheet; money as numbers with two decimals, quantities as
    whole numbers, text through ``safe``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    kinds = [BY_KEY[key].kind if key in BY_KEY else None for key in headers]
    for row in rows:
        values = []
        for kind, value in zip(kinds, row, strict=True):
            if value is None or value == "":
                values.append(None)
            elif kind in (MONEY, QUANTITY) and isinstance(value, Decimal | int):
                values.append(value)
            else:
                text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
                values.append(safe(text))
        sheet.append(values)
    for index, kind in enumerate(kinds):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        if kind == MONEY:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = "0.00"
        sheet.column_dimensions[letter].width = 14 if kind in (MONEY, QUANTITY) else 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value):
    return format(value, "f") if isinstance(value, Decimal) else value
