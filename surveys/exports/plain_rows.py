"""A worksheet that writes plain rows (text and numbers) several times faster.

XlsxWriter builds each cell's XML through a general path (formats, rich
strings, formulas, column and row formats), about 14 µs a cell: for 100,000
responses that is most of the workbook's time. The responses sheet only has
unformatted text and numbers, so ``PlainRowsWorksheet.write_plain_row``
writes the same XML as ``write_string`` and ``write_number`` would, one
string per row, with the escapes of repeated texts (labels, dates,
communities) cached.

It works only in constant-memory mode, where XlsxWriter itself streams each
finished row to its temporary file; ``tests/test_exports.py`` checks that the
XML is the same as XlsxWriter's own, so a new XlsxWriter release that changes
its format fails a test instead of a spreadsheet.
"""

import re
from functools import lru_cache

from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

# What XlsxWriter escapes: XML's special characters, control characters
# (as _xHHHH_), a literal _xHHHH_, two non-characters, and a leading or
# trailing space (kept with xml:space="preserve").
NEEDS_ESCAPES = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
STRING_MAX = 32767  # Excel's limit, in UTF-16 units
_XML = XMLwriter()  # for its escaping functions only


class PlainRowsWorksheet(Worksheet):
    """A worksheet with one more method, ``write_plain_row``; everything else as usual."""

    def write_plain_row(self, row, values):
        """Write ``values`` (str, int, float or None) from column A of ``row``.

        Rows must come in increasing order, after any row written the usual
        way (the header). Empty strings and None leave the cell empty.
        """
        if not self.constant_memory:
            raise ValueError("write_plain_row needs the constant_memory option")
        if values and self._check_dimensions(row, 0) + self._check_dimensions(row, len(values) - 1):
            raise ValueError(f"row {row} is outside the sheet or already written")
        if row > self.previous_row:
            self._write_single_row(row)  # the row before, if written the usual way
        number = row + 1
        cells = []
        # The column letters are kept between rows, and may outnumber the values.
        for letter, value in zip(self._letters(len(values)), values, strict=False):
            kind = type(value)
            if kind is str:
                if value:
                    cells.append(f'<c r="{letter}{number}" t="inlineStr">{_inline(value)}</c>')
            elif kind is int or kind is float:
                cells.append(f'<c r="{letter}{number}"><v>{value:.16G}</v></c>')
            elif value is not None:
                raise TypeError(f"write_plain_row takes text and numbers, not {kind.__name__}")
        self.fh.write(f'<row r="{number}">{"".join(cells)}</row>')

    def _letters(self, count):
        letters = getattr(self, "_plain_letters", ())
        if len(letters) < count:
            letters = self._plain_letters = [xl_col_to_name(col) for col in range(count)]
        return letters


@lru_cache(maxsize=16384)
def _inline(text):
    """``<is><t>...</t></is>`` for ``text``, escaped exactly as XlsxWriter does."""
    if len(text) > STRING_MAX // 2 or NEEDS_ESCAPES.search(text):
        return _escaped_inline(text)
    return f"<is><t>{text}</t></is>"


def _escaped_inline(text):
    """The rare careful path: XlsxWriter's own truncation and escapes, in its order."""
    if _utf16_len(text) > STRING_MAX:
        text = _utf16_truncate(text, STRING_MAX)
    text = _XML._escape_control_characters(text)
    space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
    return f"<is><t{space}>{_XML._escape_data(text)}</t></is>"
