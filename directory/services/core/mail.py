"""One way to send mail, with the backend chosen in config.

"outbox" keeps each message in the database, in the caller's transaction. "smtp" holds the
message until the transaction commits (nothing goes out for work that was rolled back), then
one background worker sends it, so a slow or dead mail server never holds up a page.
"""

import logging
import queue
import re
import smtplib
import threading
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel.speaklater import LazyString
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from directory.extensions import db
from directory.i18n import absolute_url
from directory.models import Notice, OutboxMessage, User
from directory.services.core.text import N_, gettext

log = logging.getLogger(__name__)

_PENDING = "outgoing_mail"
_outgoing: queue.Queue[tuple[dict[str, Any], EmailMessage]] = queue.Queue()
_worker_lock = threading.Lock()
_worker: threading.Thread | None = None


def send_mail(recipient: str, subject: str, body: str) -> None:
    """Send one plain-text mail with the caller's transaction; never raises."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        message = EmailMessage()
        message["From"] = config["MAIL_SENDER"]
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        settings = {
            key: config[key]
            for key in (
                "MAIL_SERVER",
                "MAIL_PORT",
                "MAIL_USE_TLS",
                "MAIL_USERNAME",
                "MAIL_PASSWORD",
                "MAIL_TIMEOUT_SECONDS",
            )
        }
        session = db.session()
        if not session.in_transaction():
            session.begin()  # so that a rollback, even of nothing else, drops this mail
        session.info.setdefault(_PENDING, []).append((settings, message))
        return
    db.session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
    if config.get("LOG_MAIL"):
        log.info("Mail to %s: %s\n%s", recipient, subject, body)


def notify(user: User, subject: str | LazyString, body: str | LazyString, link: str | LazyString | None = None) -> None:
    """Tell a user something in the app and by mail, in their language (adds; the caller commits).

    Give the subject, body and link lazily (lazy_gettext with its values, `link`, `later`): they are made
    here, in the language the user reads (User.language), not in the language of the page that caused them.
    """
    with force_locale(user.language):
        subject, body = str(subject), str(body)
        address = None if link is None else str(link)
    # "How was your consultation? Dr ..." rather than "...?: Dr ...".
    separator = " " if subject.endswith(("?", "!", ".")) else ": "
    db.session.add(Notice(user=user, message=subject if not body else f"{subject}{separator}{body}", link=address))
    send_mail(user.email, subject, body if not address else f"{body}\n\n{address}")


def link(endpoint: str, **values: Any) -> LazyString:
    """A notice's link, built in the recipient's language when notify makes the notice."""
    return LazyString(absolute_url, endpoint, **values)


def later(function: Callable[..., object], *args: Any) -> LazyString:
    """A piece of a notice that depends on the language (a date, a vocabulary name), made in the recipient's."""
    return LazyString(function, *args)


HIDDEN = N_("[link hidden]")
# A secret passed in a query string, whatever the route.
_QUERY_TOKEN = re.compile(r"([?&]token=)[^\s&#]+")


def redact_secret_links(body: str) -> str:
    """The body with the secret part of every link that signs someone in hidden (for the admin outbox).

    The mark put in its place is in the page's language.
    """
    hidden = gettext(HIDDEN)
    # A route whose argument is called "token" carries a secret (a reset or confirmation link):
    # reading it must not let an admin, or whoever reads over their shoulder, into the account.
    for rule in current_app.url_map.iter_rules():
        if "token" in rule.arguments:
            body = _secret_route_pattern(rule.rule).sub(lambda match: match.group(1) + hidden, body)
    return _QUERY_TOKEN.sub(lambda match: match.group(1) + hidden, body)


def _secret_route_pattern(rule: str) -> re.Pattern[str]:
    pattern = ""
    for piece in re.split(r"(<[^>]+>)", rule):
        if piece.startswith("<") and piece.strip("<>").split(":")[-1] == "token":
            pattern = f"({pattern})[^\\s/?#]+"
        elif piece.startswith("<"):
            pattern += r"[^\s/?#]+"
        else:
            pattern += re.escape(piece)
    return re.compile(pattern)


def wait_for_mail(timeout: float = 30.0) -> bool:
    """Wait until the queued mail has left (for commands that exit); True when it all has."""
    done = threading.Event()

    def join_then_signal() -> None:
        _outgoing.join()
        done.set()

    threading.Thread(target=join_then_signal, daemon=True).start()
    return done.wait(timeout)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        _start_worker()
        for item in pending:
            _outgoing.put(item)


@event.listens_for(Session, "after_soft_rollback")
def _drop_after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_PENDING, None)


def _start_worker() -> None:
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="mail-sender", daemon=True)
            _worker.start()


def _work() -> None:
    while True:
        settings, message = _outgoing.get()
        try:
            _send_smtp(settings, message)
        finally:
            _outgoing.task_done()


def _send_smtp(settings: dict[str, Any], message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(
            settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=settings["MAIL_TIMEOUT_SECONDS"]
        ) as smtp:
            if settings["MAIL_USE_TLS"]:
                smtp.starttls()
            if settings["MAIL_USERNAME"]:
                smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send mail to %s", message["To"])
