"""Downloads and CLI exports, each opened with a real reader: csv, openpyxl, pypdf, json."""

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime

import pytest
import time_machine
import xlsxwriter
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from surveys import create_app
from surveys.config import ConfigurationError
from surveys.exports import csv_export, report, xlsx_export
from surveys.exports.plain_rows import PlainRowsWorksheet
from surveys.models import Answer, DownloadRecord, Response, ThemeRun
from surveys.services import audit, selection
from tests.conftest import Auth
from tests.test_dashboard import BIG_QUOTE, SMALL_QUOTE, make_two_groups

# File names carry the day: every test here runs on one fixed day, so a run
# that crosses midnight cannot change the expected names.
TODAY = "2026-06-15"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
INJECTION = '=HYPERLINK("http://evil.example/x","click")'


@pytest.fixture(autouse=True)
def fixed_day():
    with time_machine.travel(f"{TODAY} 12:00:00+00:00", tick=True):
        yield


def demo(runner, count, seed=4, slug="safe-return"):
    result = runner.invoke(
        args=["surveys", "demo", slug, "--responses", str(count), "--seed", str(seed)]
    )
    assert result.exit_code == 0, result.output


@pytest.fixture
def answered(runner, db, survey):
    """The bundled survey with 120 demo responses, one of them a formula and a phone number."""
    demo(runner, 120)
    answers = db.session.scalars(
        db.select(Answer).filter_by(question_key="biggest_worry").order_by(Answer.id).limit(2)
    ).all()
    answers[0].value = INJECTION
    answers[1].value = "-call me at 323-555-0147"
    db.session.commit()
    return survey


def stored_responses(db, survey):
    return db.session.scalar(db.select(db.func.count(Response.id)).filter_by(survey_id=survey.id))


def read_csv(response):
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def assert_attachment(response, name):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.headers["Cache-Control"] == "no-store"


def assert_no_formula(cells):
    for cell in cells:
        assert not (isinstance(cell, str) and cell.startswith(FORMULA_START)), cell


def test_csv_in_spanish_has_one_row_per_response_and_no_formula(db, lead_client, answered):
    response = lead_client.client.get("/leads/surveys/safe-return/downloads/responses.csv?lang=es")

    assert_attachment(response, f"safe-return-responses-{TODAY}.csv")
    assert response.mimetype == "text/csv"
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Respuesta", "Fecha de envío", "Idioma", "Comunidad"]
    assert "¿Quién contesta esta encuesta?" in header
    assert len(body) == stored_responses(db, answered) == 120
    for row in rows:
        assert len(row) == len(header)
        assert_no_formula(row)
    cells = [cell for row in body for cell in row]
    assert "'" + INJECTION in cells
    assert "'-call me at [phone]" in cells
    assert not any("323-555-0147" in cell for cell in cells)
    roles = {row[header.index("¿Quién contesta esta encuesta?")] for row in body}
    assert roles <= {
        "Madre, padre o tutor",
        "Estudiante",
        "Maestro(a) o personal de la escuela",
        "Miembro de la comunidad",
    }


def test_csv_with_keys_joins_multiple_choices_and_flags_each(db, lead_client, answered):
    rows = read_csv(
        lead_client.client.get("/leads/surveys/safe-return/downloads/responses.csv?lang=keys")
    )
    header, body = rows[0], rows[1:]
    assert header[:5] == ["response_id", "submitted_on", "language", "community", "role"]
    joined = header.index("safety_measures")
    flags = [
        h
        for h in header
        if h.startswith("safety_measures__") and h != "safety_measures__other_text"
    ]
    assert "safety_measures__ventilation" in flags and "safety_measures__other" in flags
    for row in body:
        chosen = set(filter(None, row[joined].split("; ")))
        marked = {h.removeprefix("safety_measures__") for h in flags if row[header.index(h)] == "1"}
        assert chosen == marked
        if not chosen:
            assert {row[header.index(h)] for h in flags} == {""}
    assert {row[header.index("role")] for row in body} <= {
        "parent_guardian",
        "student",
        "educator",
        "community_member",
    }


def test_csv_is_streamed_and_follows_the_filters(db, lead_client, answered):
    response = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/responses.csv?lang=en&community=pacoima&language=es"
    )
    assert response.is_streamed
    rows = read_csv(response)
    expected = db.session.scalar(
        db.select(db.func.count(Response.id))
        .join(Response.community)
        .where(Response.language == "es")
        .filter_by(slug="pacoima")
    )
    assert len(rows) - 1 == expected > 0
    assert {row[3] for row in rows[1:]} == {"Pacoima"}
    record = db.session.scalars(db.select(DownloadRecord)).one()
    assert record.filters == {"community": "pacoima", "language": "es"}


def test_workbook_has_every_sheet_no_formula_and_hidden_cells_in_words(
    db, lead_client, runner, survey
):
    demo(runner, 40, seed=2)  # about 6 per community: every community cell is small
    response = lead_client.client.get("/leads/surveys/safe-return/downloads/responses.xlsx?lang=en")

    assert_attachment(response, f"safe-return-responses-{TODAY}.xlsx")
    book = load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == [
        "responses",
        "codebook",
        "themes",
        "community summary",
        "focus-group statements",
    ]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    responses = list(book["responses"].values)
    assert len(responses) - 1 == 40
    summary = list(book["community summary"].values)
    assert summary[0][:3] == ("Community", "Responses", "Share of responses")
    assert summary[1][:2] == ("All communities", 40)
    assert "fewer than 11" in {row[1] for row in summary[2:]}
    codebook = list(book["codebook"].values)
    assert codebook[1][:4] == (
        "role",
        "single_choice",
        "Who is answering this survey?",
        "¿Quién contesta esta encuesta?",
    )


def test_workbook_in_spanish_reads_menos_de_11(lead_client, runner, survey):
    demo(runner, 40, seed=2)
    response = lead_client.client.get("/leads/surveys/safe-return/downloads/responses.xlsx?lang=es")
    book = load_workbook(io.BytesIO(response.get_data()))
    summary = book.worksheets[3]
    assert "menos de 11" in {row[1] for row in summary.iter_rows(min_row=3, values_only=True)}


def test_workbook_keeps_a_formula_as_text(lead_client, answered):
    response = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/responses.xlsx?lang=keys"
    )
    book = load_workbook(io.BytesIO(response.get_data()))
    values = [v for row in book["responses"].iter_rows(values_only=True) for v in row]
    assert "'" + INJECTION in values


def test_workbook_themes_and_focus_groups_after_a_run(db, lead_client, answered, runner):
    result = runner.invoke(args=["analysis", "run", "safe-return", "--seed", "1"])
    assert result.exit_code == 0, result.output
    response = lead_client.client.get("/leads/surveys/safe-return/downloads/responses.xlsx?lang=es")
    book = load_workbook(io.BytesIO(response.get_data()))
    themes = list(book.worksheets[2].values)
    assert themes[0][0] == "Tema"
    assert len(themes) > 2
    run = db.session.scalars(db.select(ThemeRun)).one()
    assert {row[0] for row in themes[1:]} == {theme.key for theme in run.themes}
    shown = {q["text"] for t in run.summary["themes"] for q in t["quotes"]}
    assert {row[5] for row in themes[1:] if row[5]} == shown


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_report_in_spanish_keeps_its_accents(lead_client, answered):
    response = lead_client.client.get("/leads/surveys/safe-return/downloads/report.pdf?lang=es")

    assert_attachment(response, f"safe-return-report-{TODAY}.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.get_data())
    assert "Regreso seguro a la escuela" in text
    assert "Informe resumido" in text
    assert "Cómo se hizo este informe" in text
    assert "¿Quién contesta esta encuesta?" in text
    assert "Este de Los Ángeles" in text


def test_html_report_and_json_carry_the_same_numbers(db, lead_client, answered):
    html = lead_client.client.get("/leads/surveys/safe-return/downloads/report.html?lang=en")
    assert_attachment(html, f"safe-return-report-{TODAY}.html")
    page = html.get_data(as_text=True)
    data = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/report.json?lang=en"
    ).get_json()

    assert data["responses"]["total"] == 120
    assert "Responses in total: 120" in page
    assert 'style="' not in page and "<script" not in page
    for row in data["responses"]["by_community"]:
        assert re.search(
            rf"<th scope=\"row\">{re.escape(row['label'])}</th><td>{row['count']}</td>",
            page.replace("&#39;", "'"),
        ), row
    role = next(q for q in data["questions"] if q["key"] == "role")
    assert sum(bar["count"] for bar in role["bars"]) == role["answered"] == 120
    assert data["survey"]["title"] == "Safe return to school"


def test_a_survey_without_responses_still_gives_valid_files(db, lead_client, survey):
    rows = read_csv(lead_client.client.get("/leads/surveys/safe-return/downloads/responses.csv"))
    assert len(rows) == 1 and rows[0][0] == "Response"
    book = load_workbook(
        io.BytesIO(
            lead_client.client.get("/leads/surveys/safe-return/downloads/responses.xlsx").get_data()
        )
    )
    assert list(book["responses"].values)[1][0] == "No responses yet."
    assert "No responses yet." in lead_client.client.get(
        "/leads/surveys/safe-return/downloads/report.html"
    ).get_data(as_text=True)
    assert (
        lead_client.client.get("/leads/surveys/safe-return/downloads/report.json").get_json()[
            "responses"
        ]["empty"]
        is True
    )
    pdf = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/report.pdf?lang=es"
    ).get_data()
    assert "Todavía no hay respuestas" in pdf_text(pdf)


def test_a_download_never_holds_another_surveys_answers(
    db, lead_client, runner, answered, make_survey, tiny_definition
):
    tiny = make_survey(tiny_definition)
    db.session.add(
        Response(
            survey_id=tiny.id,
            version_id=tiny.current.id,
            language="en",
            role="parent",
            submitted_on=datetime.now(UTC).date(),
            submission_token="tiny-1",
            digest="x",
            answers=[Answer(question_key="need", value="TINY-SENTINEL words")],
        )
    )
    db.session.commit()
    big = lead_client.client.get(
        "/leads/surveys/safe-return/downloads/responses.csv?lang=keys"
    ).get_data(as_text=True)
    small = read_csv(
        lead_client.client.get("/leads/surveys/tiny/downloads/responses.csv?lang=keys")
    )
    assert "TINY-SENTINEL" not in big
    assert len(small) == 2 and small[1][-1] == "TINY-SENTINEL words"
    assert small[0] == [
        "response_id",
        "submitted_on",
        "language",
        "community",
        "role",
        "kids",
        "need",
    ]
    book = load_workbook(
        io.BytesIO(
            lead_client.client.get("/leads/surveys/tiny/downloads/responses.xlsx").get_data()
        )
    )
    assert len(list(book["responses"].values)) == 2
    assert (
        lead_client.client.get("/leads/surveys/tiny/downloads/report.json").get_json()["responses"][
            "total"
        ]
        == "fewer than 11"
    )


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/leads/surveys/nope/downloads/responses.csv", 404, "No encontramos"),
        ("/leads/surveys/safe-return/downloads/responses.pdf", 400, "Este tipo de archivo"),
        ("/leads/surveys/safe-return/downloads/report.xlsx", 400, "Este tipo de archivo"),
        ("/leads/surveys/safe-return/downloads/responses.csv?lang=fr", 400, "Este idioma"),
        ("/leads/surveys/safe-return/downloads/report.pdf?lang=keys", 400, "Este idioma"),
        ("/leads/surveys/safe-return/downloads/responses.csv?community=mars", 400, "Estos filtros"),
        ("/leads/surveys/safe-return/dashboard?role=alien", 400, "Estos filtros"),
    ],
)
def test_bad_requests_get_a_clear_page_in_the_users_language(
    db, app, make_user, survey, url, status, words
):
    auth = Auth(app.test_client())
    auth.login(make_user("lead"), lang="es")
    response = auth.client.get(url, headers={"Accept-Language": "es"})
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(DownloadRecord.id))) == 0


DOWNLOADS = [
    ("responses.csv", "responses_csv"),
    ("responses.xlsx", "responses_xlsx"),
    ("report.html", "report_html"),
    ("report.pdf", "report_pdf"),
    ("report.json", "report_json"),
]


@pytest.mark.parametrize(("path", "kind"), DOWNLOADS)
def test_each_download_writes_one_audit_record(db, app, lead_client, make_user, survey, path, kind):
    response = lead_client.client.get(
        f"/leads/surveys/safe-return/downloads/{path}?lang=es&role=student"
    )
    assert response.status_code == 200
    response.get_data()
    records = db.session.scalars(db.select(DownloadRecord)).all()
    assert len(records) == 1
    record = records[0]
    assert (record.download, record.language, record.filters, record.channel) == (
        kind,
        "es",
        {"role": "student"},
        "web",
    )
    assert record.user.role == "lead" and record.survey_id == survey.id

    admin = Auth(app.test_client())
    admin.login(make_user("admin"))
    page = admin.client.get("/admin/downloads").get_data(as_text=True)
    assert record.user.email in page and kind in page and "role=student" in page


@pytest.mark.parametrize("role", [None, "facilitator", "admin"])
def test_only_leads_reach_the_dashboard_and_downloads(db, app, make_user, survey, role):
    client = app.test_client()
    if role:
        Auth(client).login(make_user(role))
    urls = ["/leads/surveys/safe-return/dashboard"] + [
        f"/leads/surveys/safe-return/downloads/{p}" for p, _k in DOWNLOADS
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == (302 if role is None else 403), url
    assert db.session.scalar(db.select(db.func.count(DownloadRecord.id))) == 0


def test_cli_exports_write_the_same_files(db, runner, answered, tmp_path):
    for kind, fmt, lang in [
        ("responses", "csv", "es"),
        ("responses", "xlsx", "keys"),
        ("report", "pdf", "es"),
        ("report", "json", "en"),
        ("report", "html", "es"),
    ]:
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(
            args=["export", kind, "safe-return", "--format", fmt, "--lang", lang, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert f"wrote {out}" in result.output
    rows = list(csv.reader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 121 and rows[0][0] == "Respuesta"
    assert load_workbook(tmp_path / "out.xlsx").sheetnames[0] == "responses"
    assert "Regreso seguro a la escuela" in pdf_text((tmp_path / "out.pdf").read_bytes())
    assert (
        json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["responses"]["total"] == 120
    )
    assert '<html lang="es">' in (tmp_path / "out.html").read_text(encoding="utf-8")
    records = db.session.scalars(db.select(DownloadRecord)).all()
    assert [(r.channel, r.user_id) for r in records] == [("cli", None)] * 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "responses", "nope", "-o", "x.csv"], "No survey with the slug 'nope'"),
        (
            ["export", "responses", "safe-return", "--format", "pdf", "-o", "x"],
            "Unknown format 'pdf'",
        ),
        (["export", "report", "safe-return", "--lang", "fr", "-o", "x"], "Unknown language 'fr'"),
    ],
)
def test_cli_export_refuses_unknown_survey_format_or_language(
    runner, survey, args, message, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert message in result.output


def test_the_language_of_a_file_does_not_change_the_interface(lead_client, survey):
    response = lead_client.client.get("/leads/surveys/safe-return/downloads/report.html?lang=es")
    assert '<html lang="es">' in response.get_data(as_text=True)
    page = lead_client.client.get("/leads/surveys/safe-return/dashboard")
    assert '<html lang="en">' in page.get_data(as_text=True)


def test_the_codebook_says_when_a_question_changed_meaning(
    lead_client, make_survey, bundled_definition
):
    changed = json.loads(json.dumps(bundled_definition))
    role = changed["sections"][0]["questions"][0]
    role["text"] = {"en": "Who is filling in this survey?", "es": "¿Quién llena esta encuesta?"}
    make_survey()
    make_survey(changed)

    response = lead_client.client.get("/leads/surveys/safe-return/downloads/responses.xlsx?lang=es")
    book = load_workbook(io.BytesIO(response.get_data()))
    codebook = list(book[book.sheetnames[1]].values)

    assert codebook[0][-1] == "Versiones"
    notes = {row[0]: row[-1] for row in codebook[1:] if row[1]}
    assert notes["role"] == "cambió en la versión 2"
    assert not notes["grade_band"]


def test_workbook_joins_choices_in_one_column_with_their_labels(db, lead_client, answered):
    response = lead_client.client.get("/leads/surveys/safe-return/downloads/responses.xlsx?lang=es")
    book = load_workbook(io.BytesIO(response.get_data()))
    rows = list(book[book.sheetnames[0]].values)
    header = list(rows[0])

    # one column per question: the 0/1 columns per choice are the CSV's
    assert not [h for h in header if h and "Buena ventilación" in h]
    measures = header.index(next(h for h in header if h and h.startswith("¿Qué le ayudaría")))
    values = " ".join(row[measures] for row in rows[1:] if row[measures])
    assert "Buena ventilación" in values or "Cubrebocas" in values  # labels, not keys
    assert "vaccine_info" not in values


# CSV cells and empty files ────────────────────────────────────────────────


def test_csv_neutralises_every_cell_a_spreadsheet_could_run(db, lead_client, answered):
    kids = db.session.scalars(
        db.select(Answer).filter_by(question_key="children_in_school").order_by(Answer.id)
    ).first()
    kids.value = -3
    worry = db.session.scalars(
        db.select(Answer).filter_by(question_key="biggest_worry").order_by(Answer.id.desc())
    ).first()
    worry.value = "\tTAB then @SUM(A1) and\rmore"
    db.session.commit()
    rows = read_csv(
        lead_client.client.get("/leads/surveys/safe-return/downloads/responses.csv?lang=keys")
    )
    header, body = rows[0], rows[1:]
    for row in rows:
        assert_no_formula(row)
    by_id = {row[0]: row for row in body}
    assert by_id[str(kids.response_id)][header.index("children_in_school")] == "'-3"
    assert by_id[str(worry.response_id)][header.index("biggest_worry")].startswith("'\tTAB")
    counts = [row[header.index("children_in_school")] for row in body]
    assert {c for c in counts if c and c != "'-3"} <= {str(n) for n in range(0, 16)}


@pytest.mark.parametrize("lang", ["en", "es", "keys"])
def test_csv_without_responses_is_a_header_only_file(db, lead_client, answered, lang):
    # No response from Boyle Heights in Spanish by a student: nothing matches.
    db.session.execute(db.delete(Answer))
    db.session.execute(db.delete(Response))
    db.session.commit()
    response = lead_client.client.get(
        f"/leads/surveys/safe-return/downloads/responses.csv?lang={lang}&community=pacoima"
    )
    assert response.is_streamed
    rows = read_csv(response)
    assert len(rows) == 1 and len(rows[0]) > 10
    assert rows[0][0] == {"en": "Response", "es": "Respuesta", "keys": "response_id"}[lang]


# The focus-group statements sheet ──────────────────────────────────────────


def statements_sheet(client, query=""):
    response = client.get(f"/leads/surveys/safe-return/downloads/responses.xlsx?lang=en{query}")
    book = load_workbook(io.BytesIO(response.get_data()))
    return list(book["focus-group statements"].values)


def test_statements_sheet_holds_only_the_sessions_the_report_may_quote(
    db, lead_client, make_user, survey
):
    big, _small = make_two_groups(db, survey, make_user("facilitator"))
    rows = statements_sheet(lead_client.client)
    assert rows[0] == ("Focus group", "Community", "Language", "Prompt", "Speaker", "Statement")
    assert {row[0] for row in rows[1:]} == {big.id}
    assert ("Pacoima", "es", "learning", None, "Necesitamos más tutoría después de clases.") in {
        row[1:] for row in rows[1:]
    }
    assert (big.id, "Pacoima", "es", "learning", "parent", BIG_QUOTE) in rows
    assert not any("Small group" in str(row) or SMALL_QUOTE in str(row) for row in rows)

    too_few = "No quotes are shown: the sessions had too few participants"
    for query in ("&community=boyle-heights", "&role=student", "&language=en"):
        rows = statements_sheet(lead_client.client, query)
        assert len(rows) == 2 and rows[1][0].startswith(too_few), query
    assert {row[0] for row in statements_sheet(lead_client.client, "&language=es")[1:]} == {big.id}
    assert statements_sheet(lead_client.client, "&community=east-la")[1] == (
        "No finalized focus groups yet.",
        None,
        None,
        None,
        None,
        None,
    )


def test_pdf_keeps_spanish_punctuation_intact(db, lead_client, make_user, answered):
    make_two_groups(db, answered, make_user("facilitator"))
    text = pdf_text(
        lead_client.client.get("/leads/surveys/safe-return/downloads/report.pdf?lang=es").get_data()
    )
    assert BIG_QUOTE in " ".join(text.split())
    for mark in "¿¡«»—áéíóúñ":
        assert mark in text, mark


# Recording a download only once it is made ────────────────────────────────


def test_a_download_that_fails_to_build_leaves_no_record(db, lead_client, survey, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx_export, "write_workbook", broken)
    monkeypatch.setattr(report, "pdf_bytes", broken)
    for path in ("responses.xlsx", "report.pdf"):
        with pytest.raises(RuntimeError):
            lead_client.client.get(f"/leads/surveys/safe-return/downloads/{path}")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(DownloadRecord.id))) == 0


def test_a_csv_is_recorded_when_it_starts_to_stream(db, lead_client, answered, monkeypatch):
    response = lead_client.client.get("/leads/surveys/safe-return/downloads/responses.csv")
    assert response.is_streamed  # the header is out, the rows not yet read
    assert db.session.scalar(db.select(db.func.count(DownloadRecord.id))) == 1
    response.close()

    def broken(*args, **kwargs):
        raise RuntimeError("no columns")

    monkeypatch.setattr(csv_export, "Layout", broken)
    with pytest.raises(RuntimeError):
        lead_client.client.get("/leads/surveys/safe-return/downloads/responses.csv").get_data()
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(DownloadRecord.id))) == 1


# The admins' log, page by page ─────────────────────────────────────────────


def test_the_download_log_pages_through_every_record(db, app, make_user, survey):
    for number in range(205):
        record = audit.record_download(survey, "responses_csv", "en", selection.Filters())
        record.language = f"n{number}"  # to tell the records apart on the page
    db.session.commit()
    admin = Auth(app.test_client())
    admin.login(make_user("admin"))

    def page(query=""):
        soup = BeautifulSoup(
            admin.client.get(f"/admin/downloads{query}").get_data(as_text=True), "html.parser"
        )
        languages = [row.find_all("td")[4].get_text() for row in soup.select("tbody tr")]
        links = {a.get_text(): a["href"] for a in soup.select("nav.pages a")}
        return languages, links, soup.get_text()

    first, links, text = page()
    assert first == [f"n{n}" for n in range(204, 104, -1)]
    assert "Page 1 of 3" in text and links == {"Older downloads": "/admin/downloads?page=2"}
    second, links, _text = page("?page=2")
    assert second == [f"n{n}" for n in range(104, 4, -1)]
    assert set(links) == {"Newer downloads", "Older downloads"}
    last, links, text = page("?page=3")
    assert last == ["n4", "n3", "n2", "n1", "n0"] and "Page 3 of 3" in text
    assert links == {"Newer downloads": "/admin/downloads?page=2"}
    assert "past the end of the log" in page("?page=9")[2]


# An operator's threshold, on the command line ─────────────────────────────


@pytest.fixture
def threshold_five(monkeypatch):
    """VOCES_MIN_CELL=5 in the environment, before the app is made."""
    monkeypatch.setenv("VOCES_MIN_CELL", "5")


def test_cli_exports_use_the_operator_s_threshold(threshold_five, app, runner, survey, tmp_path):
    assert app.config["MIN_CELL"] == 5
    demo(runner, 40, seed=2)  # about 6 per community
    for fmt, lang in (("json", "en"), ("html", "es")):
        out = str(tmp_path / f"report.{fmt}")
        result = runner.invoke(
            args=["export", "report", "safe-return", "--format", fmt, "--lang", lang, "-o", out]
        )
        assert result.exit_code == 0, result.output
    out = str(tmp_path / "responses.xlsx")
    result = runner.invoke(
        args=["export", "responses", "safe-return", "--format", "xlsx", "--lang", "es", "-o", out]
    )
    assert result.exit_code == 0, result.output

    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    counts = [row["count"] for row in data["responses"]["by_community"]]
    assert data["min_cell"] == 5 and any(isinstance(n, int) and n < 11 for n in counts)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "menos de 5 personas" in html and "menos de 11" not in html
    summary = list(load_workbook(tmp_path / "responses.xlsx").worksheets[3].values)
    cells = [row[1] for row in summary[2:]]
    assert any(isinstance(n, int) and n < 11 for n in cells)
    assert "menos de 11" not in cells


@pytest.mark.parametrize("value", ["0", "1", "eleven", "-4"])
def test_a_threshold_that_protects_nobody_is_refused(monkeypatch, value):
    monkeypatch.setenv("VOCES_MIN_CELL", value)
    with pytest.raises(ConfigurationError, match="VOCES_MIN_CELL"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# The fast path of the responses sheet ─────────────────────────────────────

TRICKY = [
    "plain words",
    "Señora Núñez — «¿sí?» ¡claro!",
    'a & b < c > d "quoted"',
    "line one\nline two",
    " leading space",
    "trailing space ",
    "\ttab first",
    "control \x01 and \x1f here",
    "literal _x0041_ escape",
    "non-characters \ufffe \uffff",
    "emoji 😀 counts twice",
    "x" * 40000,
    "😀" * 20000,
]


def sheet_xml(path):
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_plain_rows_write_exactly_what_xlsxwriter_writes(tmp_path):
    rows = [
        [number, text, -2.5, None, "", 0, 10**12, 1 / 3, text[:5]]
        for number, text in enumerate(TRICKY, 1)
    ]
    paths = {name: tmp_path / f"{name}.xlsx" for name in ("usual", "plain")}
    for name, path in paths.items():
        book = xlsxwriter.Workbook(str(path), xlsx_export.OPTIONS)
        sheet = book.add_worksheet("responses", PlainRowsWorksheet)
        sheet.set_column(0, 8, 20)
        sheet.write_row(0, 0, [f"h{n}" for n in range(9)], book.add_format({"bold": True}))
        for row, values in enumerate(rows, 1):
            if name == "plain":
                sheet.write_plain_row(row, values)
                continue
            for column, value in enumerate(values):
                if isinstance(value, str) and value:
                    sheet.write_string(row, column, value)
                elif isinstance(value, int | float):
                    sheet.write_number(row, column, value)
        book.close()
    assert sheet_xml(paths["plain"]) == sheet_xml(paths["usual"])
    read = list(load_workbook(paths["plain"])["responses"].values)
    assert read[2][1] == "Señora Núñez — «¿sí?» ¡claro!" and read[1][2] == -2.5
    assert read[12][1] == "x" * 32767  # Excel's longest cell


def test_plain_rows_refuse_what_they_cannot_write(tmp_path):
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), xlsx_export.OPTIONS)
    sheet = book.add_worksheet("x", PlainRowsWorksheet)
    sheet.write_plain_row(2, ["a"])
    with pytest.raises(ValueError, match="already written"):
        sheet.write_plain_row(1, ["b"])
    with pytest.raises(TypeError, match="date"):
        sheet.write_plain_row(3, [datetime.now(UTC).date()])
    book.close()
    other = xlsxwriter.Workbook(str(tmp_path / "y.xlsx"))
    with pytest.raises(ValueError, match="constant_memory"):
        other.add_worksheet("y", PlainRowsWorksheet).write_plain_row(1, ["a"])
    other.close()
