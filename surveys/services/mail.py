"""Set-password links by e-mail, when an SMTP server is configured (``VOCES_MAIL_*``).

Mail is a convenience on top of the link shown on screen or printed by the
CLI: sending never raises, so a mail server that is down loses neither the
account nor the link. The log says only that a mail was sent or failed, never
the address or the link (a link is as good as a password for 72 hours).
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..config import MAIL_SECURITY

log = logging.getLogger(__name__)
SENT, FAILED = "sent", "failed"


def configured():
    return bool(current_app.config.get("MAIL_SERVER"))


def send_password_link(email, url, language, new_account):
    """E-mail a set-password link in ``language``.

    Returns ``SENT``, ``FAILED`` or None when no mail server is configured.
    """
    if not configured():
        return None
    try:
        _deliver(password_link_message(email, url, language, new_account))
    except (OSError, ValueError) as error:  # smtplib and ssl errors are OSErrors
        log.warning("set-password e-mail failed (%s)", type(error).__name__)
        return FAILED
    log.info("set-password e-mail sent")
    return SENT


def password_link_message(email, url, language, new_account):
    """The plain-text message, in the recipient's language."""
    sender = current_app.config["MAIL_FROM"]
    with force_locale(language):
        subject, paragraphs = _password_link_text(url, new_account)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = email
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n\n".join(paragraphs) + "\n")
    message["Content-Language"] = language  # after set_content, which clears Content-*
    return message


def _password_link_text(url, new_account):
    if new_account:
        subject = _("Your Voces account: choose a password")
        opening = _("An account on Voces has been created for this e-mail address.")
    else:
        subject = _("Voces: a new link to choose your password")
        opening = _(
            "Here is a new link to choose your Voces password. Links sent before no longer work."
        )
    return subject, [
        _("Hello,"),
        opening,
        _("To choose your password, open this link. It works once, for 72 hours:"),
        url,
        _("If you did not expect this message, you can ignore it."),
    ]


def _deliver(message):
    config = current_app.config
    security, server = config["MAIL_TLS"], config["MAIL_SERVER"]
    port = config["MAIL_PORT"] or MAIL_SECURITY[security]
    timeout, context = config["MAIL_TIMEOUT"], ssl.create_default_context()
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(server, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(server, port, timeout=timeout)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
