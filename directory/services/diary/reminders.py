"""Daily diary reminders by mail: opt-in, at the patient's local time, never twice on one local day."""

import zoneinfo
from datetime import UTC, date, datetime

from flask_babel import force_locale
from sqlalchemy import or_, select, update

from directory.extensions import db
from directory.i18n import absolute_url
from directory.models import DiaryEntry, DiaryReminder, Role, User
from directory.services.core.mail import send_mail
from directory.services.core.text import gettext
from directory.services.diary.entries import DiaryError, _t


def setting_for(patient_id: int) -> DiaryReminder | None:
    """The patient's reminder setting, if they ever saved one."""
    return db.session.get(DiaryReminder, patient_id)


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DiaryError(_t("Choose your time zone from the list.")) from None


def save_setting(patient: User, enabled: bool, minute_of_day: int, timezone: str) -> DiaryReminder:
    """Switch the reminder on or off, at a local time (minutes after midnight); raises DiaryError."""
    if patient.role != Role.PATIENT:
        raise DiaryError(_t("Only patients keep a headache diary."))
    if not 0 <= minute_of_day < 24 * 60:
        raise DiaryError(_t("Give the time as HH:MM, for example 20:30."))
    _zone(timezone)
    setting = setting_for(patient.id) or DiaryReminder(patient_id=patient.id)
    setting.enabled, setting.minute_of_day, setting.timezone = enabled, minute_of_day, timezone
    db.session.add(setting)
    db.session.commit()
    return setting


def _local(now: datetime, timezone: str) -> datetime:
    try:
        return now.astimezone(zoneinfo.ZoneInfo(timezone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return now.astimezone(UTC)


def send_due_reminders(now: datetime | None = None) -> int:
    """Mail each patient whose reminder time has come today (their local day) and who has not recorded today; how many were sent.

    The claim is one conditional UPDATE per patient (last_sent_on before today): two schedulers running
    at once cannot both send, and a run after a missed one still sends once that day.
    """
    now = now or datetime.now(UTC)
    sent = 0
    due = db.session.execute(
        select(DiaryReminder.patient_id, DiaryReminder.minute_of_day, DiaryReminder.timezone, User.email, User.language)
        .join(User, User.id == DiaryReminder.patient_id)
        .where(DiaryReminder.enabled, User.active, User.email_confirmed_at.is_not(None))
    ).all()
    for patient_id, minute_of_day, timezone, email, language in due:
        local = _local(now, timezone)
        today: date = local.date()
        if local.hour * 60 + local.minute < minute_of_day:
            continue
        recorded = db.session.scalar(
            select(DiaryEntry.id).where(DiaryEntry.patient_id == patient_id, DiaryEntry.day == today)
        )
        if recorded is not None:
            continue
        claimed = db.session.execute(
            update(DiaryReminder)
            .where(
                DiaryReminder.patient_id == patient_id,
                or_(DiaryReminder.last_sent_on.is_(None), DiaryReminder.last_sent_on < today),
            )
            .values(last_sent_on=today)
        )
        if not getattr(claimed, "rowcount", 0):
            continue
        # No health data in a mail: only the reminder and the link, in the patient's language.
        with force_locale(language):
            send_mail(
                email,
                gettext("Your headache diary for today"),
                gettext(
                    "A reminder you asked for: how was your day? One tap records a day without headache.\n\n"
                    "%(diary)s\n\nTo stop these reminders: %(settings)s",
                    diary=absolute_url("diary.show_diary"),
                    settings=absolute_url("diary.edit_reminders"),
                ),
            )
        db.session.commit()
        sent += 1
    db.session.commit()
    return sent
