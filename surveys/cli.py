"""``flask --app wsgi surveys ...``: commands coalitions and cron run.

Each command calls a service and owns the one commit.
"""

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from . import exports
from .definition import DefinitionError, load_file
from .exports import csv_export, report, xlsx_export
from .extensions import db
from .models import ROLES
from .services import (
    accounts,
    audit,
    backup,
    demo,
    mail,
    publishing,
    responding,
    retention,
    selection,
    survey_store,
    themes,
    transfer,
)
from .services.links import survey_links, write_qr_codes

surveys_cli = AppGroup("surveys", help="Load surveys, print links, demo data and clean-up.")


def _survey_or_fail(slug, published=True):
    survey = survey_store.get_survey(slug)
    if survey is None:
        raise click.ClickException(f"No survey with the slug '{slug}'. Load it first.")
    if published and survey.is_draft:
        raise click.ClickException(f"'{slug}' is a draft: publish it first.")
    return survey


@surveys_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def validate_command(files):
    """Check definition files and list every problem."""
    failed = False
    for path in files:
        try:
            load_file(path)
            click.echo(f"{path}: ok")
        except DefinitionError as error:
            failed = True
            click.echo(error.report(), err=True)
    if failed:
        raise SystemExit(1)


@surveys_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path())
def load_command(files):
    """Load survey files (default: the bundled ones). Safe to repeat."""
    paths = files or current_app.config["BUNDLED_SURVEYS"]
    try:
        definitions = [load_file(path) for path in paths]
    except DefinitionError as error:
        raise click.ClickException("\n" + error.report()) from None
    try:
        loaded = [survey_store.load_definition(data) for data in definitions]
    except survey_store.MeaningChanged as error:
        db.session.rollback()
        raise click.ClickException("\n" + error.report()) from None
    for survey, changed in loaded:
        state = f"version {survey.current.number}" + (" (new)" if changed else " (unchanged)")
        click.echo(f"{survey.slug}: {state}")
    db.session.commit()


@surveys_cli.command("import")
@click.argument("file", type=click.Path())
def import_command(file):
    """Import an XLSForm (.xlsx, .xls, .csv) or a definition file as a new draft survey."""
    try:
        survey = transfer.import_survey(file)
    except transfer.ImportRefused as refused:
        db.session.rollback()
        click.echo(str(refused), err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(survey.slug)


@surveys_cli.command("export")
@click.argument("slug")
@click.option(
    "--format", "fmt", type=click.Choice(transfer.FORMATS), default="xlsform", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
def export_command(slug, fmt, output):
    """Write a survey as an XLSForm workbook (for ODK, KoboToolbox) or a definition file."""
    content = transfer.export_survey(_survey_or_fail(slug, published=False), fmt)
    with open(output, "wb") as handle:
        handle.write(content)
    click.echo(f"wrote {output}")


@surveys_cli.command("publish")
@click.argument("slug")
@click.option(
    "--confirm-privacy",
    is_flag=True,
    help="Publish even though some questions identify people (name, phone...).",
)
def publish_command(slug, confirm_privacy):
    """Publish a draft, or a published survey's changes as a new version."""
    survey = _survey_or_fail(slug, published=False)
    try:
        publishing.publish(survey, confirm_privacy)
    except publishing.PublishRefused as refused:
        raise click.ClickException("not ready:\n" + str(refused)) from None
    except publishing.PrivacyNotConfirmed as flagged:
        raise click.ClickException(
            f"these questions identify people: {flagged}. {publishing.PRIVACY_NOTE} "
            "Run again with --confirm-privacy to publish."
        ) from None
    db.session.commit()
    click.echo(f"{slug}: version {survey.current.number}, open")


@surveys_cli.command("status")
@click.argument("slug")
@click.argument("status", type=click.Choice(["open", "closed"]))
def status_command(slug, status):
    """Open or close a survey to new answers."""
    survey_store.set_status(_survey_or_fail(slug), status)
    db.session.commit()
    click.echo(f"{slug}: {status}")


@surveys_cli.command("links")
@click.argument("slug")
@click.option("--base-url", help="Public address of this server (default: VOCES_PUBLIC_URL).")
@click.option(
    "--qr-dir", type=click.Path(file_okay=False), help="Write one SVG QR code per link here."
)
def links_command(slug, base_url, qr_dir):
    """Print the survey's links, one per community, and optionally QR codes."""
    links = survey_links(_survey_or_fail(slug), base_url or current_app.config["PUBLIC_URL"])
    for label, url in links:
        click.echo(f"{label}\t{url}")
    if qr_dir:
        for path in write_qr_codes(links, qr_dir):
            click.echo(f"wrote {path}")


@surveys_cli.command("purge-drafts")
def purge_drafts_command():
    """Delete unfinished answers older than DRAFT_MAX_AGE (7 days). For cron."""
    cutoff = datetime.now(UTC).replace(tzinfo=None) - current_app.config["DRAFT_MAX_AGE"]
    removed = responding.purge_drafts(cutoff)
    db.session.commit()
    click.echo(f"deleted {removed} unfinished drafts")


@surveys_cli.command("demo")
@click.argument("slug")
@click.option("--responses", "count", default=200, show_default=True, type=click.IntRange(0))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--clear", is_flag=True, help="Remove this survey's demo responses and stop.")
def demo_command(slug, count, seed, clear):
    """Add synthetic demo responses (marked as demo), or remove them with --clear."""
    survey = _survey_or_fail(slug)
    if clear:
        removed = demo.clear(survey)
        db.session.commit()
        click.echo(f"removed {removed} demo responses")
        return
    added = demo.generate(survey, count, seed)
    db.session.commit()
    click.echo(f"added {added} demo responses to {slug}")


users_cli = AppGroup("users", help="Staff accounts.")


def _user_or_fail(email):
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


MAIL_LANGUAGE = click.option(
    "--lang",
    "language",
    type=click.Choice(["en", "es"]),
    default="en",
    show_default=True,
    help="Language of the e-mail, when a mail server is configured.",
)


def _hand_out(user, token, language, new_account):
    """Print the link, then e-mail it if a server is configured (after the commit)."""
    url = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/set-password/{token}"
    click.echo(f"one-time link to set the password (valid 72 hours): {url}")
    sent = mail.send_password_link(user.email, url, language, new_account)
    if sent == mail.SENT:
        click.echo(f"e-mailed the link to {user.email}")
    elif sent == mail.FAILED:
        click.echo(
            f"could not e-mail the link to {user.email} (see the log); "
            "the account and the link above are kept: send it yourself."
        )


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@MAIL_LANGUAGE
def create_user_command(email, role, language):
    """Create a staff account and print its one-time set-password link."""
    try:
        user, token = accounts.create_user(email, role)
    except accounts.AccountError as refused:
        raise click.ClickException(str(refused)) from None
    db.session.commit()
    click.echo(f"created {user.email} ({role})")
    _hand_out(user, token, language, new_account=True)


@users_cli.command("link")
@click.argument("email")
@MAIL_LANGUAGE
def link_command(email, language):
    """Print a new one-time set-password link (earlier links stop working)."""
    user = _user_or_fail(email)
    token = accounts.issue_password_link(user)
    db.session.commit()
    _hand_out(user, token, language, new_account=False)


@users_cli.command("disable")
@click.argument("email")
def disable_command(email):
    """Disable an account; its sessions end at once."""
    user = _user_or_fail(email)
    accounts.set_active(user, False)
    db.session.commit()
    click.echo(f"disabled {user.email}")


analysis_cli = AppGroup("analysis", help="Themes across English and Spanish.")


@analysis_cli.command("run")
@click.argument("slug")
@click.option("--questions", help="Comma-separated open question keys (default: all long ones).")
@click.option(
    "--themes",
    "n_themes",
    type=click.IntRange(2, 200),
    help="Number of new themes, beside the survey's codebook themes (default: chosen).",
)
@click.option("--seed", default=0, show_default=True, type=int)
def analysis_run_command(slug, questions, n_themes, seed):
    """Find themes in the survey's open answers and finalized focus-group notes."""
    survey = _survey_or_fail(slug)
    chosen = [q.strip() for q in questions.split(",") if q.strip()] if questions else None
    run = themes.start_run(survey, questions=chosen, n_themes=n_themes, seed=seed)
    db.session.commit()
    if not themes.run_safely(run, survey):
        raise click.ClickException(f"run {run.id} failed; the log says why.")
    counts = run.counts
    click.echo(
        f"run {run.id}: {counts['documents']} texts ({counts['survey']} answers, "
        f"{counts['focus_group']} focus-group statements), "
        f"{counts['non_answers']} non-answers, {counts['themes']} themes"
    )
    for warning in run.warnings:
        click.echo(f"warning: {warning}")
    if not run.translated:
        click.echo(
            "English and Spanish were analysed untranslated: install Apertium "
            "(sudo apt-get install apertium apertium-eng-spa) and run again."
        )
    _echo_themes(run)


def _echo_themes(run):
    """Each theme with its respondents, hidden as on the pages when fewer than MIN_CELL."""
    totals = {t["theme"]: t["total"] for t in run.summary["themes"]}
    click.echo(f"themes (respondents; counts under {run.summary['min_cell']} are hidden):")
    for theme in run.themes:
        click.echo(
            f"  {theme.key:>3}  {totals.get(theme.key, ''):>13}  "
            f"{theme.name('en')} / {theme.name('es')}"
        )


def _report_backup(check_file, path):
    try:
        check = check_file(path)
    except backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{check.path}: integrity {check.integrity}, {check.responses} responses")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path):
    """Copy the SQLite database to PATH while the app runs, then check the copy."""
    _report_backup(backup.backup_sqlite, path)


@click.command("restore-check")
@click.argument("path", type=click.Path(dir_okay=False))
def restore_check_command(path):
    """Check that a backup file opens, passes the integrity check and holds responses."""
    _report_backup(backup.check_backup, path)


@click.command("purge")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0),
    required=True,
    metavar="DAYS",
    help="Delete raw text of responses and focus groups older than this many days.",
)
def purge_command(days):
    """Delete open answers and notes past the retention period; counts are kept."""
    report = retention.purge_text(days)
    db.session.commit()
    click.echo(
        f"before {report.cutoff.isoformat()}: {report.answers} open answers, "
        f"{report.other_details} 'other' details, {report.focus_groups} focus groups' notes "
        f"and {report.theme_texts} theme texts deleted"
    )


export_cli = AppGroup("export", help="Responses and the summary report, as files.")


def _choice_or_fail(name, value, allowed):
    if value not in allowed:
        raise click.ClickException(f"Unknown {name} '{value}': use one of {', '.join(allowed)}.")
    return value


def _export_options(formats, languages):
    """SLUG, --format, --lang and -o, checked here so a wrong value exits with 1."""

    def decorate(command):
        for option in reversed(
            [
                click.argument("slug"),
                click.option(
                    "--format",
                    "fmt",
                    default=formats[0],
                    show_default=True,
                    help=" or ".join(formats),
                ),
                click.option(
                    "--lang",
                    "language",
                    default="en",
                    show_default=True,
                    help=" or ".join(languages),
                ),
                click.option(
                    "-o",
                    "--output",
                    required=True,
                    type=click.Path(dir_okay=False),
                    help="File to write.",
                ),
            ]
        ):
            command = option(command)
        return command

    return decorate


def _export_survey(slug, fmt, language, formats, languages):
    survey = _survey_or_fail(slug)
    _choice_or_fail("format", fmt, formats)
    _choice_or_fail("language", language, languages)
    return survey


@export_cli.command("responses")
@_export_options(exports.RESPONSE_FORMATS, exports.RESPONSE_LANGUAGES)
def export_responses_command(slug, fmt, language, output):
    """Write one row per response, as the leads' download does."""
    survey = _export_survey(
        slug, fmt, language, exports.RESPONSE_FORMATS, exports.RESPONSE_LANGUAGES
    )
    filters = selection.Filters()
    if fmt == "csv":
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(csv_export.stream_csv(survey, language, filters))
    else:
        min_cell = current_app.config["MIN_CELL"]
        xlsx_export.write_workbook(output, survey, language, filters, min_cell)
    _record_export(survey, f"responses_{fmt}", language, filters, output)


@export_cli.command("report")
@_export_options(exports.REPORT_FORMATS, exports.REPORT_LANGUAGES)
def export_report_command(slug, fmt, language, output):
    """Write the summary report with its suppressed numbers."""
    survey = _export_survey(slug, fmt, language, exports.REPORT_FORMATS, exports.REPORT_LANGUAGES)
    filters = selection.Filters()
    body = report.render(survey, fmt, language, filters, current_app.config["MIN_CELL"])
    with open(output, "wb") as handle:
        handle.write(body if isinstance(body, bytes) else body.encode("utf-8"))
    _record_export(survey, f"report_{fmt}", language, filters, output)


def _record_export(survey, download, language, filters, output):
    audit.record_download(survey, download, language, filters, channel="cli")
    db.session.commit()
    click.echo(f"wrote {output}")


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_check_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(surveys_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(analysis_cli)
