"""Responses as a workbook: responses, codebook, themes, community summary, focus groups.

XlsxWriter writes row by row in constant-memory mode, and never turns a
string into a formula or a link: a family's words stay words. The
responses sheet, by far the largest, is written through ``plain_rows``.
"""

import tempfile

import xlsxwriter
from flask_babel import gettext as _

from ..models.focus_group import SPEAKER_ROLES
from ..services import dashboard
from ..services.analysis_texts import focus_group_statements
from ..services.versions import LANGUAGES, question_plans
from ..templating import hidden_words
from . import speaking
from .columns import Layout, iter_rows, neutralise
from .plain_rows import PlainRowsWorksheet

OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
NARROW, WIDE, TEXT = 14, 24, 50


def workbook_file(survey, language, filters, min_cell):
    """The workbook in an anonymous temporary file, rewound, ready to send."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (the view closes it)
    try:
        write_workbook(handle, survey, language, filters, min_cell)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle


def write_workbook(target, survey, language, filters, min_cell):
    """Write the five sheets to ``target`` (a path or a binary file)."""
    workbook = xlsxwriter.Workbook(target, OPTIONS)
    with speaking(language):
        sheets = _Sheets(workbook, language)
        summary = dashboard.summary_sheets(survey, filters, sheets.text_language, min_cell)
        sheets.responses(survey, filters)
        sheets.codebook(survey)
        sheets.themes(summary["themes"])
        sheets.communities(summary)
        sheets.focus_groups(survey, filters, min_cell)
    workbook.close()


class _Sheets:
    def __init__(self, workbook, language):
        self.workbook = workbook
        self.language = language
        # Theme names and community names have no "keys" form: English then.
        self.text_language = "en" if language == "keys" else language
        self.bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.percent = workbook.add_format({"num_format": "0%"})

    def sheet(self, name, headers, widths, worksheet_class=None):
        sheet = self.workbook.add_worksheet(name[:31], worksheet_class)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, [neutralise(h) for h in headers], self.bold)
        return sheet

    def write(self, sheet, row, values, shares=True):
        for column, value in enumerate(values):
            kind = type(value)
            if kind is int:
                sheet.write_number(row, column, value)
            elif kind is float:
                sheet.write_number(row, column, value, self.percent if shares else None)
            elif value not in (None, ""):
                sheet.write_string(row, column, neutralise(str(value)))

    def responses(self, survey, filters):
        # One column per question: the 0/1 column per choice, for statistics
        # packages, is in the CSV; here it would triple the cells to write.
        layout = Layout(survey, self.language, flags=False, numbers_as_text=False)
        headers = layout.headers()
        widths = [NARROW] * 4 + [WIDE] * (len(headers) - 4)
        # i18n: name of a spreadsheet tab (31 characters at most)
        sheet = self.sheet(_("responses"), headers, widths, PlainRowsWorksheet)
        row = 0
        for row, response in enumerate(iter_rows(survey, filters), 1):
            sheet.write_plain_row(row, layout.cells(response))  # already neutralised
        if row == 0:
            self.write(sheet, 1, [_("No responses yet.")])

    def codebook(self, survey):
        headers = [
            _("Question key"),
            _("Type"),
            *(_("Question (%(language)s)", language=lang) for lang in LANGUAGES),
            _("Choice key"),
            *(_("Choice (%(language)s)", language=lang) for lang in LANGUAGES),
            _("Versions"),
        ]
        # i18n: name of a spreadsheet tab
        sheet = self.sheet(
            _("codebook"), headers, [WIDE, NARROW, TEXT, TEXT, WIDE, WIDE, WIDE, TEXT]
        )
        row = 0
        for plan in question_plans(survey):
            row += 1
            texts = [plan.texts[lang] for lang in LANGUAGES]
            self.write(sheet, row, [plan.key, plan.type, *texts, "", "", "", _history(plan)])
            for key, labels in plan.choices.items():
                row += 1
                self.write(
                    sheet, row, [plan.key, "", "", "", key, *(labels[lang] for lang in LANGUAGES)]
                )

    def themes(self, panel):
        headers = [
            _("Theme"),
            _("Name"),
            _("Terms in English"),
            _("Terms in Spanish"),
            _("Respondents"),
            _("Quote"),
            _("Language of the quote"),
            _("Machine translation"),
        ]
        # i18n: name of a spreadsheet tab
        sheet = self.sheet(
            _("themes"), headers, [NARROW, WIDE, WIDE, WIDE, NARROW, TEXT, NARROW, TEXT]
        )
        if panel is None:
            self.write(sheet, 1, [_("No theme analysis has been run yet.")])
            return
        row = 0
        for theme in panel["themes"]:
            first = [
                theme["key"],
                theme["name"],
                ", ".join(theme["terms"].get("en", [])[:10]),
                ", ".join(theme["terms"].get("es", [])[:10]),
                self.count(theme["total"]),
            ]
            for quote in theme["quotes"] or [None]:
                row += 1
                quoted = [quote["text"], quote["lang"], quote.get("gloss")] if quote else []
                self.write(sheet, row, first + quoted)

    def communities(self, summary):
        panel = summary["themes"]
        themes = panel["themes"] if panel else []
        shares = {
            row["community"]: {t["theme"]: t["share"] for t in row["themes"]}
            for row in (panel or {}).get("communities", [])
        }
        headers = [
            _("Community"),
            _("Responses"),
            _("Share of responses"),
            *(_("Mentions “%(theme)s”", theme=t["name"]) for t in themes),
        ]
        # i18n: name of a spreadsheet tab
        sheet = self.sheet(
            _("community summary"), headers, [WIDE, NARROW, NARROW] + [WIDE] * len(themes)
        )
        responses = summary["responses"]
        self.write(sheet, 1, [_("All communities"), self.count(responses["total"])])
        if responses["empty"]:
            self.write(sheet, 2, [_("No responses yet.")])
            return
        for row, community in enumerate(responses["by_community"], start=2):
            per_theme = shares.get(community["key"], {})
            self.write(
                sheet,
                row,
                [
                    community["label"],
                    self.count(community["count"]),
                    self.count(community["share"]),
                    *(self.count(per_theme.get(t["key"], "")) for t in themes),
                ],
            )

    def focus_groups(self, survey, filters, min_cell):
        headers = [
            _("Focus group"),
            _("Community"),
            _("Language"),
            _("Prompt"),
            _("Speaker"),
            _("Statement"),
        ]
        # i18n: name of a spreadsheet tab
        sheet = self.sheet(
            _("focus-group statements"), headers, [NARROW, WIDE, NARROW, WIDE, NARROW, TEXT]
        )
        # The groups whose words the dashboard and the report may quote: the
        # same filters, and never a community's sessions of too few people.
        groups = dashboard.focus_groups(survey, filters)
        shown = {group.id for group in dashboard.quotable(groups, filters, min_cell)}
        names = {c.slug: c.name(self.text_language) for c in survey.communities}
        statements = [s for s in focus_group_statements(survey) if s["focus_group_id"] in shown]
        for row, item in enumerate(statements, start=1):
            role = item["role"] if item["role"] in SPEAKER_ROLES else ""
            self.write(
                sheet,
                row,
                [
                    item["focus_group_id"],
                    names.get(item["community"], ""),
                    item["lang"],
                    item["prompt"] or "",
                    role,
                    item["text"],
                ],
            )
        if not groups:
            self.write(sheet, 1, [_("No finalized focus groups yet.")])
        elif not statements:
            self.write(
                sheet,
                1,
                [
                    _(
                        "No quotes are shown: the sessions had too few participants "
                        "to keep them from being recognised."
                    )
                ],
            )

    def count(self, value):
        """A number stays a number; a hidden one reads "fewer than 11", translated."""
        return hidden_words(value) if isinstance(value, str) and value else value


def _history(plan):
    """When the question's meaning changed ("changed in version 2; ..."), or ""."""
    words = {
        "added": lambda n: _("added in version %(n)s", n=n),
        "changed": lambda n: _("changed in version %(n)s", n=n),
        "removed": lambda n: _("removed in version %(n)s", n=n),
    }
    return "; ".join(words[kind](number) for kind, number in plan.changes)
