"""Responses as CSV: UTF-8 with a byte-order mark (so Excel shows accents), streamed."""

import csv
import io

from .columns import Layout, iter_rows

BOM = "\ufeff"
ROWS_PER_CHUNK = 500


def stream_csv(survey, language, filters):
    """Yield the CSV in pieces: the header, then a few hundred rows at a time."""
    layout = Layout(survey, language)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(layout.headers())
    yield BOM + _drain(buffer)
    for number, row in enumerate(iter_rows(survey, filters), start=1):
        writer.writerow(layout.cells(row))
        if number % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
