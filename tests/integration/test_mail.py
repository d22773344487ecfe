"""The SMTP backend sends after commit, from one worker, and never breaks the request."""

import smtplib
from typing import ClassVar

import pytest

from config import TestingConfig
from directory.extensions import db
from directory.services.core import mail


class SmtpConfig(TestingConfig):
    MAIL_BACKEND = "smtp"
    MAIL_USE_TLS = False


class FakeSMTP:
    sent: ClassVar[list] = []
    fail = False

    def __init__(self, host, port, timeout):
        if FakeSMTP.fail:
            raise OSError("connection refused")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSMTP.sent.append((message["To"], message["Subject"]))


@pytest.fixture
def smtp_app(make_app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return make_app(SmtpConfig)


def test_mail_leaves_only_after_commit(smtp_app):
    with smtp_app.app_context():
        mail.send_mail("a@example.com", "Hello", "Body")
        assert mail.wait_for_mail(1) and FakeSMTP.sent == []
        db.session.commit()
        assert mail.wait_for_mail(5)
    assert FakeSMTP.sent == [("a@example.com", "Hello")]


def test_nothing_is_sent_for_work_rolled_back(smtp_app):
    with smtp_app.app_context():
        mail.send_mail("b@example.com", "Never", "Body")
        db.session.rollback()
        db.session.commit()
        assert mail.wait_for_mail(5)
    assert FakeSMTP.sent == []


def test_a_dead_mail_server_is_logged_not_raised(smtp_app, caplog):
    FakeSMTP.fail = True
    with smtp_app.app_context():
        mail.send_mail("c@example.com", "Lost", "Body")
        db.session.commit()
        assert mail.wait_for_mail(5)
    assert "Could not send mail to c@example.com" in caplog.text
