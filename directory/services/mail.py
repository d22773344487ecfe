"""One way to send mail, with the backend chosen in config."""
import logging
import smtplib
import threading
from email.message import EmailMessage

from flask import current_app

from directory.extensions import db
from directory.models import Notice, OutboxMessage, User

log = logging.getLogger(__name__)


def send_mail(recipient: str, subject: str, body: str) -> None:
    """Send one plain-text mail; never raises, so the request that caused it goes on."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        message = EmailMessage()
        message["From"] = config["MAIL_SENDER"]
        message["To"] = recipient
        message["Subject"] = subject
        message.set_content(body)
        # A slow or dead SMTP server must not hold up the page: send from a thread.
        threading.Thread(target=_send_smtp, args=(dict(config), message), daemon=True).start()
        return
    db.session.add(OutboxMessage(recipient=recipient, subject=subject, body=body))
    if config.get("LOG_MAIL"):
        log.info("Mail to %s: %s\n%s", recipient, subject, body)


def _send_smtp(config: dict, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not send mail to %s", message["To"])


def notify(user: User, subject: str, body: str, link: str | None = None) -> None:
    """Tell a user something in the app and by mail (adds; the caller commits)."""
    db.session.add(Notice(user=user, message=subject if not body else f"{subject}: {body}", link=link))
    text = body if not link else f"{body}\n\n{link}"
    send_mail(user.email, subject, text)
