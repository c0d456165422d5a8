"""Theme summaries by community, with small groups kept from being identified.

Counts are of respondents (a response, or a focus-group session), not texts.
Two rules protect small groups:

* **Small cells**: a count from 1 to ``min_cell - 1`` respondents is not shown
  (``"fewer than 11"``), nor is any share computed from it or from a community
  with fewer than ``min_cell`` respondents, nor any quote from such a cell.
* **Complementary suppression**: each breakdown (a theme by community,
  language, role or source; respondents by community; and, when each
  respondent is in at most one theme, a community's theme counts) adds up to
  a total that is shown. If a hidden count could be worked out from the total and the
  other counts, more counts are hidden (marked ``"suppressed"``), smallest
  first. If that cannot protect a breakdown, the whole theme is hidden.

Whether a hidden count can be worked out is judged as an attacker would:
a count marked "fewer than N" lies between 1 and N - 1, a "suppressed" one is
at least N, and together the hidden counts make up the rest of the total.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import itemgetter

from .result import NON_ANSWER

SMALL, COMPLEMENT, SHOWN = "small", "complementary", "shown"
UNSHOWN = "unshown"  # a count never shown anywhere: anything from 0 to the total
WITHHELD = "withheld"  # a count of a wholly hidden theme: anything from 1 to the total
NO_COMMUNITY = None
BREAKDOWNS = ("community", "language", "role", "source")
QUOTES_PER_COMMUNITY = 3
TOP_THEMES = 5


@dataclass
class Cell:
    value: int
    state: str = SHOWN

    @property
    def hidden(self):
        return self.state != SHOWN


def suppressed_label(min_cell):
    return f"fewer than {min_cell}"


def summarize(documents, result, min_cell=11):
    """The per-community and per-theme tables of ``result``, ready to show or export."""
    units = _units(documents, result)
    mentions = _mentions(documents, result, units)
    total, respondents = protect_breakdown(
        Counter(u["community"] for u in units.values()), min_cell
    )
    tables = {
        t.id: _theme_tables(mentions.get(t.id, set()), units, min_cell) for t in result.themes
    }
    themed, one_each = _themed(mentions)
    silent = protect_theme_totals(tables, len(units) - themed, one_each, total, min_cell)
    if one_each:
        protect_community_rows(tables, total, respondents, silent, min_cell)
    render = Renderer(min_cell)
    community_of = {d.id: d.community or NO_COMMUNITY for d in documents}
    return {
        "min_cell": min_cell,
        "respondents": render.cell(total),
        "non_answers": render.cell(silent),
        "communities": [
            _community_row(community, cell, tables, result, community_of, render)
            for community, cell in sorted(respondents.items(), key=_community_order)
        ],
        "themes": [
            render.theme(
                theme, tables[theme.id], _safe_quotes(theme, tables[theme.id], community_of)
            )
            for theme in result.themes
        ],
    }


def protect_breakdown(counts, min_cell):
    """The total and the cells of one breakdown (respondents by community, by
    answer ...), both protected: ``(total_cell, {key: cell})``."""
    total = sum(counts.values())
    if total < min_cell:
        return Cell(total, SMALL if total else SHOWN), {
            k: Cell(v, SMALL if v else SHOWN) for k, v in counts.items()
        }
    cells = suppress(counts, min_cell)
    if cells is None:
        return Cell(total, COMPLEMENT), {k: Cell(v, COMPLEMENT) for k, v in counts.items()}
    return Cell(total), cells


def _units(documents, result):
    """Respondent -> its community, language, role and source (from its first text)."""
    units = {}
    for doc in sorted(documents, key=lambda d: d.id):
        unit = doc.respondent or doc.id
        units.setdefault(
            unit,
            {
                "community": doc.community or NO_COMMUNITY,
                "language": result.languages.get(doc.id) or doc.lang or "en",
                "role": doc.role,
                "source": doc.source,
            },
        )
    return units


def _mentions(documents, result, units):
    mentioned = defaultdict(set)
    for doc in documents:
        theme = result.labels.get(doc.id, NON_ANSWER)
        if theme != NON_ANSWER:
            mentioned[theme].add(doc.respondent or doc.id)
    return mentioned


def _theme_tables(unit_ids, units, min_cell):
    """The theme's total and its breakdowns, suppressed; all hidden if unsafe."""
    total = len(unit_ids)
    rows = [units[u] for u in unit_ids]
    breakdowns = {name: Counter(map(itemgetter(name), rows)) for name in BREAKDOWNS}
    if total < min_cell:
        return {
            "total": Cell(total, SMALL if total else SHOWN),
            **{
                name: {k: Cell(v, SMALL) for k, v in counts.items()}
                for name, counts in breakdowns.items()
            },
        }
    tables = {"total": Cell(total)}
    for name, counts in breakdowns.items():
        cells = suppress(counts, min_cell)
        if cells is None:
            return _all_hidden(total, breakdowns)
        tables[name] = cells
    return tables


def _all_hidden(total, breakdowns):
    return {
        "total": Cell(total, COMPLEMENT),
        **{
            name: {k: Cell(v, COMPLEMENT) for k, v in counts.items()}
            for name, counts in breakdowns.items()
        },
    }


def _themed(mentions):
    """How many respondents have a theme, and whether each is in one theme at most."""
    themed = set().union(*mentions.values()) if mentions else set()
    return len(themed), sum(len(m) for m in mentions.values()) == len(themed)


def protect_theme_totals(tables, silent, one_each, total, min_cell):
    """The cell of respondents who gave no theme; theme totals hidden as needed.

    When each respondent is in at most one theme (one answer each, as in most
    files), the theme totals and the respondents without a theme add up to
    the respondents shown: a hidden total could then be worked out from the
    others, so more are hidden, each with its whole table.
    """
    cell = Cell(silent, SMALL if 0 < silent < min_cell else SHOWN)
    if not one_each or total.hidden:
        return cell
    cells = {key: table["total"] for key, table in tables.items()}
    cells[NON_ANSWER] = cell
    if complete(cells, total.value, min_cell) is None:
        for cell_ in cells.values():
            cell_.state = COMPLEMENT if cell_.value else cell_.state
    for key, table in tables.items():
        if table["total"].state == COMPLEMENT:
            tables[key] = _all_hidden(
                table["total"].value,
                {name: {k: c.value for k, c in table[name].items()} for name in BREAKDOWNS},
            )
    return cells[NON_ANSWER]


def protect_community_rows(tables, total, respondents, silent, min_cell):
    """Hide more of a community's theme counts when a hidden one could be worked
    out from the community's respondents.

    For when each respondent is in at most one theme: a community's theme counts
    and its respondents without a theme (never shown, so anything from 0 to
    all of them, or exactly 0 when no respondent at all is without a theme)
    add up to its respondents shown. Cells are shared with the theme tables,
    so a count hidden here is hidden there too (which only hides more).
    """
    changed = False
    for community, cell in respondents.items():
        if cell.hidden:
            continue
        row = {
            key: _row_cell(t, community) for key, t in tables.items() if community in t["community"]
        }
        if not any(c.hidden for c in row.values()):
            continue
        rest = cell.value - sum(c.value for c in row.values())
        if silent.hidden or silent.value:
            row[NON_ANSWER] = Cell(rest, UNSHOWN)
        if complete(row, cell.value, min_cell) is None:
            cell.state, changed = COMPLEMENT, True  # nothing left to hide: hide the row's total
    if changed and not total.hidden and complete(respondents, total.value, min_cell) is None:
        for cell in respondents.values():
            cell.state = COMPLEMENT if cell.value else cell.state


def _row_cell(table, community):
    """The theme's cell for ``community``; when the whole theme is hidden its
    "suppressed" cells may hold small counts too, and are read as such."""
    cell = table["community"][community]
    return Cell(cell.value, WITHHELD) if table["total"].state == COMPLEMENT else cell


def suppress(counts, min_cell):
    """Cells of one breakdown of a shown total, or None when it cannot be protected."""
    cells = {key: Cell(n, SMALL if 0 < n < min_cell else SHOWN) for key, n in counts.items()}
    return complete(cells, sum(counts.values()), min_cell)


def complete(cells, total, min_cell):
    """``cells`` with more of them hidden until none hidden can be worked out
    from ``total``; None when that cannot be done."""
    while any_determined(list(cells.values()), total, min_cell):
        shown = [c for c in cells.values() if not c.hidden and c.value > 0]
        if not shown:
            return None
        min(shown, key=lambda c: c.value).state = COMPLEMENT
    return cells


def hidden_range(cell, total, min_cell):
    """What an observer knows of a hidden cell from its label alone."""
    if cell.state == SMALL:
        return 1, min_cell - 1
    if cell.state == UNSHOWN:
        return 0, total
    if cell.state == WITHHELD:
        return 1, total
    return min_cell, total


def any_determined(cells, total, min_cell):
    """True if some hidden cell has only one value consistent with the total."""
    hidden = [c for c in cells if c.hidden]
    if not hidden:
        return False
    rest = total - sum(c.value for c in cells if not c.hidden)
    ranges = [hidden_range(c, total, min_cell) for c in hidden]
    low_sum, high_sum = sum(r[0] for r in ranges), sum(r[1] for r in ranges)
    for low, high in ranges:
        lowest = max(low, rest - (high_sum - high))
        highest = min(high, rest - (low_sum - low))
        if lowest >= highest:
            return True
    return False


def _community_order(item):
    community, _cell = item
    return (community is NO_COMMUNITY, community or "")


def _community_row(community, cell, tables, result, community_of, render):
    row = {"community": community, "respondents": render.cell(cell), "themes": []}
    counts = []
    for theme in result.themes:
        count = tables[theme.id]["community"].get(community, Cell(0))
        share = None if cell.hidden or count.hidden else count.value / cell.value
        row["themes"].append(
            {
                "theme": theme.id,
                "count": render.cell(count),
                "share": render.share(share, count, cell),
            }
        )
        if not count.hidden and count.value:
            counts.append((count.value, theme.id))
    row["top_themes"] = [t for _n, t in sorted(counts, key=lambda x: (-x[0], x[1]))][:TOP_THEMES]
    row["quotes"] = (
        [] if cell.hidden else _community_quotes(community, row["top_themes"], result, community_of)
    )
    return row


def _community_quotes(community, top_themes, result, community_of):
    quotes = []
    for theme_id in top_themes:
        theme = result.theme(theme_id)
        for quote in theme.quotes:
            if quote.id in community_of and community_of[quote.id] == community:
                quotes.append(_quote_dict(quote, theme_id))
                break
    return quotes[:QUOTES_PER_COMMUNITY]


def _safe_quotes(theme, tables, community_of):
    """Quotes only from communities whose cell for this theme is shown."""
    cells = tables["community"]
    return [
        _quote_dict(q, theme.id)
        for q in theme.quotes
        if not cells.get(community_of.get(q.id), Cell(0, SMALL)).hidden
    ]


def _quote_dict(quote, theme_id):
    return {
        "id": quote.id,
        "text": quote.text,
        "lang": quote.lang,
        "gloss": quote.gloss,
        "theme": theme_id,
    }


class Renderer:
    """Turns cells into numbers or the words that stand for hidden ones.

    Hidden cells become ``"fewer than N"`` or ``"suppressed"``; the templates'
    ``cell`` filter and the exports translate these words.
    """

    def __init__(self, min_cell):
        self.small = suppressed_label(min_cell)
        self.min_cell = min_cell

    def cell(self, cell):
        if cell.state == SMALL:
            return self.small
        return "suppressed" if cell.state == COMPLEMENT else cell.value

    def share(self, share, count, respondents):
        if share is None:
            return self.small if SMALL in (count.state, respondents.state) else "suppressed"
        return round(share, 4)

    def theme(self, theme, tables, quotes):
        return {
            "theme": theme.id,
            "names": theme.names,
            "terms": theme.terms,
            "total": self.cell(tables["total"]),
            **{
                f"by_{name}": {
                    _key(k): self.cell(c)
                    for k, c in sorted(tables[name].items(), key=lambda kv: _key(kv[0]))
                }
                for name in BREAKDOWNS
            },
            "quotes": quotes,
        }


def _key(value):
    return "(none)" if value is None else str(value)
