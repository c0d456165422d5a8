"""Cutting notes into statements: one per paragraph or per list item."""

import re

# "- ", "* ", "• ", "1. ", "2) " at the start of a line.
BULLET = re.compile(r"^(?:[-*•]|\d{1,2}[.)])(?:\s+|$)")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def split_statements(text):
    """Paragraphs and list items of ``text``, without their bullet markers.

    Lines of one paragraph that are not list items are joined (notes are
    often wrapped by hand); a line after a list item continues that item.
    """
    statements = []
    for paragraph in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n")):
        statements.extend(_paragraph_statements(paragraph))
    return statements


def _paragraph_statements(paragraph):
    pieces = []
    for line in (line.strip() for line in paragraph.split("\n")):
        marker = BULLET.match(line)
        if marker:
            pieces.append([line[marker.end() :]])
        elif line:
            if not pieces:
                pieces.append([])
            pieces[-1].append(line)
    joined = (" ".join(piece).strip() for piece in pieces)
    return [statement for statement in joined if statement]
