"""The headache diary: the patient's pages, and the practitioner's view of diaries shared with them."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from directory.access import role_required
from directory.diary import bp
from directory.diary.forms import DayForm, ImportForm, ReminderForm, SessionForm
from directory.forms import EmptyForm
from directory.models import Role, User
from directory.services.core.text import clock, gettext, ngettext, number_label
from directory.services.diary import charts, csv_io, entries, reminders, sessions, sharing, terms
from directory.services.diary.entries import DiaryError, day_words
from directory.services.outcomes import consent

PATIENT, THERAPIST = Role.PATIENT, Role.THERAPIST
# The one-tap "no headache" posts to the day's own address with this field, so that no URL (which access
# logs keep) says what the patient recorded.
ONE_TAP = "one_tap"


@bp.app_template_filter("diary_day")
def diary_day_filter(day: date) -> str:
    return day_words(day)


@bp.app_template_filter("one_decimal")
def one_decimal(value: float | None) -> str:
    return "–" if value is None else number_label(value, decimals=1)


@bp.context_processor
def diary_terms() -> dict:
    return {"diary_terms": terms}


def _me() -> User:
    return current_user._get_current_object()


def _parse_day(text: str) -> date:
    """The day in a URL (YYYY-MM-DD), or a 400 page saying what is wrong with it."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(400, gettext("The day must be written YYYY-MM-DD, for example 2025-03-14."))
    try:
        entries.check_day(day, date.today())
    except DiaryError as error:
        abort(400, str(error))
    return day


def _chart_context(
    patient_id: int, month: str | None = None, endpoint: str = "diary.show_charts", args: dict | None = None
) -> dict:
    """The diary read once, and each chart's numbers and geometry."""
    diary = entries.read_diary(patient_id)
    by_day = {record.day: record for record in diary.records}
    year, number = diary.today.year, diary.today.month
    if month:
        try:
            chosen = date.fromisoformat(f"{month}-01")
        except ValueError:
            abort(400, gettext("The month must be written YYYY-MM, for example 2025-03."))
        if chosen > diary.today or chosen.year < 2000:
            abort(400, gettext("Choose a month from January 2000 to this one."))
        year, number = chosen.year, chosen.month
    session_set = set(diary.sessions)
    return {
        "diary": diary,
        "calendar": charts.calendar_month(by_day, session_set, year, number, diary.today),
        "weekly": charts.weekly(diary.records, diary.sessions, diary.today),
        "pain": charts.pain_over_time(diary.records, diary.sessions, diary.today),
        "before_after": charts.before_after(diary.summary),
        "window_labels": charts.WINDOW_LABELS,
        "band_words": charts.BAND_WORDS,
        "calendar_endpoint": endpoint,
        "calendar_args": args or {},
        # The patient's own calendar opens each day; a practitioner's view only reads.
        "day_links": endpoint == "diary.show_charts",
    }


# The patient's diary


@bp.route("/")
@role_required(PATIENT)
def show_diary():
    """Today in one tap, the past week on one screen, the alerts and the before / after summary."""
    return _diary_page()


def _diary_page() -> str:
    diary = entries.read_diary(current_user.id)
    return render_template(
        "diary/show_diary.html",
        week=entries.week(current_user.id, diary.today),
        diary=diary,
        window_labels=charts.WINDOW_LABELS,
        form=EmptyForm(),
    )


@bp.route("/days/<day>", methods=["GET", "POST"])
@role_required(PATIENT)
def edit_day(day: str):
    """Record or change one day: a headache day's answers, or no headache (in one tap from the diary page)."""
    the_day = _parse_day(day)
    if request.method == "POST" and request.form.get(ONE_TAP) == "no_headache":
        return _record_no_headache(the_day)
    entry = entries.entry_for(current_user.id, the_day)
    form = DayForm()
    if request.method == "GET" and entry is not None:
        form.fill_from(entry)
    if form.validate_on_submit():
        try:
            if form.until.data and form.headache.data == "yes" and form.until.data != the_day:
                result = entries.record_attack(_me(), the_day, form.until.data, form.answers())
                message = ngettext(
                    "Saved %(num)d day of this headache.", "Saved %(num)d days of this headache.", len(result.saved)
                )
                if result.skipped:
                    message += " " + ngettext(
                        "%(num)d already had an entry and was left as it was.",
                        "%(num)d already had an entry and were left as they were.",
                        len(result.skipped),
                    )
            else:
                entries.record_day(_me(), the_day, form.answers())
                message = gettext("%(day)s is saved.", day=day_words(the_day))
        except DiaryError as error:
            flash(str(error), "error")
        else:
            flash(message, "success")
            return redirect(url_for("diary.show_diary"))
    status = 400 if request.method == "POST" else 200
    return render_template("diary/edit_day.html", form=form, day=the_day, entry=entry, delete_form=EmptyForm()), status


def _record_no_headache(the_day: date):
    """The one-tap entry: no headache that day (409 with the diary when the day already has an entry)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        entries.record_no_headache(_me(), the_day)
    except DiaryError as error:
        flash(str(error), "error")
        return _diary_page(), 409
    flash(gettext("%(day)s: no headache, saved.", day=day_words(the_day)), "success")
    return redirect(url_for("diary.show_diary"))


@bp.route("/days/<day>/delete", methods=["POST"])
@role_required(PATIENT)
def delete_day(day: str):
    """Delete one day's entry."""
    the_day = _parse_day(day)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not entries.delete_entry(_me(), the_day):
        abort(404)
    flash(gettext("%(day)s is deleted from your diary.", day=day_words(the_day)), "info")
    return redirect(url_for("diary.show_diary"))


@bp.route("/charts")
@role_required(PATIENT)
def show_charts():
    """The calendar, headache days per week, pain over time and the before / after summary, each with its numbers."""
    return render_template("diary/show_charts.html", **_chart_context(current_user.id, request.args.get("month")))


@bp.route("/sessions", methods=["GET", "POST"])
@role_required(PATIENT)
def list_sessions():
    """The patient's treatment sessions, and adding one had elsewhere."""
    form = SessionForm()
    if form.validate_on_submit():
        try:
            sessions.add_own_session(_me(), form.day.data, form.note.data)
        except DiaryError as error:
            form.day.errors = [str(error)]
        else:
            flash(gettext("The session on %(day)s is added.", day=day_words(form.day.data)), "success")
            return redirect(url_for("diary.list_sessions"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "diary/list_sessions.html", form=form, sessions=sessions.sessions_of(current_user.id), delete_form=EmptyForm()
    ), status


@bp.route("/sessions/<int:session_id>/delete", methods=["POST"])
@role_required(PATIENT, THERAPIST)
def delete_session(session_id: int):
    """Delete a session: the patient one they added, the practitioner one they recorded."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not sessions.delete_session(_me(), session_id):
        abort(404)
    flash(gettext("The session is deleted."), "info")
    if current_user.role == THERAPIST:
        return redirect(url_for("diary.list_shared"))
    return redirect(url_for("diary.list_sessions"))


@bp.route("/sharing")
@role_required(PATIENT)
def show_sharing():
    """Who may read the diary: each practitioner the patient has a consultation with, off until switched on."""
    return render_template("diary/show_sharing.html", choices=sharing.share_choices(_me()), form=EmptyForm())


@bp.route("/sharing/<int:profile_id>", methods=["POST"])
@role_required(PATIENT)
def share(profile_id: int):
    """Share the diary with one practitioner."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        profile = sharing.share(_me(), profile_id)
    except DiaryError:
        abort(404)
    flash(
        gettext("%(name)s can now see your diary. You can stop this at any time.", name=profile.display_name), "success"
    )
    return redirect(url_for("diary.show_sharing"))


@bp.route("/sharing/<int:profile_id>/revoke", methods=["POST"])
@role_required(PATIENT)
def revoke(profile_id: int):
    """Stop sharing the diary with one practitioner, at once."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not sharing.revoke(_me(), profile_id):
        abort(404)
    flash(gettext("Stopped: that practitioner can no longer see your diary."), "info")
    return redirect(url_for("diary.show_sharing"))


@bp.route("/outcomes")
@role_required(PATIENT)
def show_outcome_consent():
    """Whether the patient's anonymous result counts toward each practitioner's outcome figures: off until switched on."""
    return render_template("diary/show_outcome_consent.html", choices=consent.consent_choices(_me()), form=EmptyForm())


@bp.route("/outcomes/<int:profile_id>", methods=["POST"])
@role_required(PATIENT)
def give_outcome_consent(profile_id: int):
    """Count the patient's anonymous result toward one practitioner's outcome figures."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        profile = consent.give_consent(_me(), profile_id)
    except consent.ConsentError:
        abort(404)
    flash(
        gettext(
            "Your anonymous result now counts toward %(name)s's outcome figures. "
            "They are not told who counts. You can stop this at any time.",
            name=profile.display_name,
        ),
        "success",
    )
    return redirect(url_for("diary.show_outcome_consent"))


@bp.route("/outcomes/<int:profile_id>/revoke", methods=["POST"])
@role_required(PATIENT)
def revoke_outcome_consent(profile_id: int):
    """Stop counting toward one practitioner's outcome figures (from the next nightly refresh)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not consent.revoke_consent(_me(), profile_id):
        abort(404)
    flash(
        gettext("Stopped: your result is taken out of that practitioner's figures at the next nightly update."), "info"
    )
    return redirect(url_for("diary.show_outcome_consent"))


@bp.route("/export.csv")
@role_required(PATIENT)
def export_csv():
    """Every entry as CSV, in the format the import reads."""
    body = csv_io.export_csv(current_user.id)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="headache-diary-{date.today().isoformat()}.csv"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@role_required(PATIENT)
def import_csv():
    """Import a diary CSV: all of it, or nothing with every bad line listed."""
    form = ImportForm()
    errors: list[csv_io.LineError] = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(csv_io.MAX_BYTES + 1) if upload else b""
        if not data:
            form.file.errors = [gettext("Choose a CSV file.")]
            status = 400
        else:
            try:
                result = csv_io.import_csv(_me(), data)
            except DiaryError as error:
                form.file.errors = [str(error)]
                status = 413 if len(data) > csv_io.MAX_BYTES else 400
            else:
                if not result.errors:
                    flash(
                        ngettext(
                            "Imported %(num)d day; it is marked as imported.",
                            "Imported %(num)d days; they are marked as imported.",
                            result.imported,
                        ),
                        "success",
                    )
                    return redirect(url_for("diary.show_diary"))
                errors = result.errors
                status = 400
    elif request.method == "POST":
        status = 400
    return render_template(
        "diary/import_csv.html",
        form=form,
        errors=errors[: csv_io.MAX_REPORTED_ERRORS],
        more_errors=max(0, len(errors) - csv_io.MAX_REPORTED_ERRORS),
        columns=csv_io.COLUMNS,
    ), status


@bp.route("/print")
@role_required(PATIENT)
def print_summary():
    """A one-page summary for a doctor, laid out for printing."""
    return render_template("diary/print_summary.html", patient=current_user, **_chart_context(current_user.id))


@bp.route("/reminders", methods=["GET", "POST"])
@role_required(PATIENT)
def edit_reminders():
    """The opt-in daily reminder by mail: on or off, at a local time."""
    setting = reminders.setting_for(current_user.id)
    form = ReminderForm()
    if request.method == "GET" and setting is not None:
        form.enabled.data = "on" if setting.enabled else "off"
        form.time.data = clock(setting.minute_of_day)
        form.timezone.data = setting.timezone
    if form.validate_on_submit():
        try:
            reminders.save_setting(_me(), form.enabled.data == "on", form.minute_of_day(), form.timezone.data)
        except DiaryError as error:
            form.timezone.errors = [str(error)]
        else:
            flash(
                gettext("Reminder on, every day at %(time)s (%(zone)s).", time=form.time.data, zone=form.timezone.data)
                if form.enabled.data == "on"
                else gettext("Reminder off."),
                "success",
            )
            return redirect(url_for("diary.show_diary"))
    status = 400 if request.method == "POST" else 200
    return render_template("diary/edit_reminders.html", form=form), status


# The practitioner's side


@bp.route("/shared")
@role_required(THERAPIST)
def list_shared():
    """The patients who share their diary with the practice."""
    return render_template("diary/list_shared.html", patients=sharing.shared_patients(_me()))


@bp.route("/shared/<int:patient_id>")
@role_required(THERAPIST)
def show_shared(patient_id: int):
    """One patient's shared diary: summary and charts, and their consultations to record sessions on."""
    patient = sharing.shared_patient(_me(), patient_id) or abort(404)
    return render_template(
        "diary/show_shared.html",
        patient=patient,
        consultations=sharing.completed_consultations(_me(), patient_id),
        sessions=sessions.sessions_of(patient_id),
        **_chart_context(patient_id, request.args.get("month"), "diary.show_shared", {"patient_id": patient_id}),
    )


@bp.route("/consultations/<int:request_id>/sessions", methods=["GET", "POST"])
@role_required(THERAPIST)
def consultation_sessions(request_id: int):
    """Record dry-needling sessions on a completed consultation."""
    consultation = sessions.consultation_for_therapist(request_id, _me()) or abort(404)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            sessions.record_session(_me(), consultation, form.day.data, form.note.data)
        except DiaryError as error:
            form.day.errors = [str(error)]
        else:
            flash(gettext("Session on %(day)s recorded.", day=day_words(form.day.data)), "success")
            return redirect(url_for("diary.consultation_sessions", request_id=request_id))
    status = 400 if request.method == "POST" else 200
    shared = sharing.shared_patient(_me(), consultation.patient_id) is not None
    return render_template(
        "diary/consultation_sessions.html",
        consultation=consultation,
        form=form,
        sessions=sessions.sessions_on(consultation),
        shared=shared,
        delete_form=EmptyForm(),
    ), status
