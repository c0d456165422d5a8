"""Read the sheets of an XLSForm: ``.xlsx``, ``.xls``, or pyxform's ``.csv`` and ``.md`` layouts.

Every reader returns ``{sheet name: [Row]}`` with lower-cased sheet names and
cells as stripped strings, so the importer never sees a spreadsheet type.
"""

import csv
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

FORMATS = (".xlsx", ".xls", ".csv", ".md")


class UnreadableFile(ValueError):
    """The file cannot be read as a spreadsheet; ``reason`` says why."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(str(reason))


@dataclass(frozen=True)
class Row:
    number: int  # as a spreadsheet shows it: the first row is row 1
    cells: dict  # header as written -> stripped text


class Sheet(list):
    """The rows under the header; ``header_row`` is the header's own number."""

    header_row = 1


def read_sheets(path, content=None):
    """Read ``path`` (or ``content`` bytes named like ``path``) into sheets of rows."""
    suffix = Path(str(path)).suffix.lower()
    if suffix not in FORMATS:
        raise UnreadableFile(
            _l(
                "files ending in %(suffix)s are not XLSForms: use .xlsx, .xls or .csv",
                suffix=suffix or "(none)",
            )
        )
    try:
        data = Path(path).read_bytes() if content is None else content
    except OSError as error:
        raise UnreadableFile(_l("cannot read the file: %(error)s", error=str(error))) from None
    grids = _READERS[suffix](data)
    return {name.strip().lower(): _rows(grid) for name, grid in grids}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(grid):
    """Turn a grid (list of lists) into rows keyed by the first non-empty row's headers."""
    grid = [[_cell(v) for v in row] for row in grid]
    start = next((i for i, row in enumerate(grid) if any(row)), None)
    rows = Sheet()
    if start is None:
        return rows
    headers = grid[start]
    rows.header_row = start + 1
    # Numbers stay the spreadsheet's own, blank rows above the header included.
    for number, values in enumerate(grid[start + 1 :], start=start + 2):
        cells = {h: v for h, v in zip(headers, values, strict=False) if h and v}
        if cells:
            rows.append(Row(number, cells))
    return rows


def _xlsx(data):
    import openpyxl

    # openpyxl warns about workbook features it skips (data validation,
    # extensions); none of them carries survey content.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            return [
                (sheet.title, [list(r) for r in sheet.iter_rows(values_only=True)])
                for sheet in book.worksheets
            ]
        except Exception as error:  # a damaged file fails deep in the parser, any way
            raise UnreadableFile(
                _l("this is not a readable .xlsx workbook: %(error)s", error=str(error))
            ) from None


def _xls(data):
    import xlrd

    try:
        # xlrd writes its warnings about damaged files to stdout unless told otherwise.
        book = xlrd.open_workbook(file_contents=data, logfile=io.StringIO(), verbosity=0)
    except Exception as error:  # a damaged file fails deep in the parser, any way
        raise UnreadableFile(
            _l("this is not a readable .xls workbook: %(error)s", error=str(error))
        ) from None
    return [(s.name, [s.row_values(i) for i in range(s.nrows)]) for s in book.sheets()]


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(_l("the file is not UTF-8 text")) from None


def _split_sheets(lines):
    """pyxform's text layout: a row whose first cell is filled names a sheet;
    the rows under it (first cell empty) are that sheet, header first."""
    sheets = []
    for cells in lines:
        cells = [c.strip() for c in cells]
        if not any(cells):
            if sheets:
                sheets[-1][1].append([])
            continue
        if cells[0]:
            sheets.append((cells[0], []))
        elif sheets:
            sheets[-1][1].append(cells[1:])
        else:
            raise UnreadableFile(_l("the first filled row must name a sheet, e.g. survey"))
    return sheets


def _csv(data):
    try:
        return _split_sheets(csv.reader(io.StringIO(_decode(data))))
    except csv.Error as error:
        raise UnreadableFile(_l("this is not valid CSV: %(error)s", error=str(error))) from None


def _md(data):
    lines = []
    for line in _decode(data).splitlines():
        line = line.strip()
        if line.startswith("|"):
            lines.append(line.strip("|").split("|"))
    return _split_sheets(lines)


_READERS = {".xlsx": _xlsx, ".xls": _xls, ".csv": _csv, ".md": _md}
