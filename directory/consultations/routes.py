from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from directory.access import role_required
from directory.consultations import bp
from directory.consultations.forms import AcceptForm, AnotherTimeForm, DeclineForm, InboxFilterForm, RequestForm
from directory.forms import EmptyForm, choices
from directory.models import Role
from directory.pagination import paginate
from directory.rate_limits import SuccessLimit, wait_in_words
from directory.services.community import consultations
from directory.services.community.consultations import ConsultationError
from directory.services.core.text import gettext
from directory.services.diary import sharing
from directory.services.questionnaire import responses


def _patients_answers():
    """The answers this patient could share: those of this browser session, else those saved to the account."""
    token = session.get(responses.TOKEN_KEY)
    return responses.find_response(token, current_user.id) or responses.saved_response(current_user.id)


# Only requests that were sent count: a form with a mistake, or one the service refused, costs nothing.
SENT_REQUESTS = SuccessLimit("consultation-request", "CONSULTATION_RATE_LIMIT")


@bp.route("/new/<slug>", methods=["GET", "POST"])
@role_required(Role.PATIENT)
def request_new(slug: str):
    """Request a first consultation with a practitioner."""
    profile = consultations.listed_profile(slug) or abort(404)
    form = RequestForm()
    form.mode.choices = choices(consultations.requestable_modes(profile))
    if request.method == "GET" and len(form.mode.choices) == 1:
        # Only one way is offered: nothing to choose.
        form.mode.data = form.mode.choices[0].value
    form.preferred_times.choices = choices(consultations.slot_choices(profile))
    answers = _patients_answers()
    if form.validate_on_submit():
        if wait := SENT_REQUESTS.seconds_to_wait():
            flash(
                f"You have sent as many consultation requests as we accept for now. You can send this one "
                f"{wait_in_words(wait)}; what you wrote is kept below.",
                "error",
            )
            page = render_template("consultations/request_new.html", form=form, profile=profile, answers=answers)
            return page, 429, {"Retry-After": str(wait)}
        try:
            consultations.request_consultation(
                current_user,
                profile,
                form.mode.data,
                form.preferred_times.data or [],
                form.message.data or "",
                questionnaire=answers if form.share_answers.data else None,
            )
        except ConsultationError as error:
            flash(str(error), "error")
        else:
            SENT_REQUESTS.count()
            flash(
                gettext(
                    "Your request was sent to %(name)s. You will hear back here and by email.",
                    name=profile.display_name,
                ),
                "success",
            )
            return redirect(url_for("consultations.my_requests"))
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("consultations/request_new.html", form=form, profile=profile, answers=answers), status


@bp.context_processor
def consultation_helpers() -> dict:
    return {
        "practice_time": consultations.practice_time,
        "proposed_words": consultations.proposed_words,
        "preferred_words": consultations.preferred_words,
        "practice_contact": consultations.practice_contact,
        "can_complete": consultations.can_complete,
    }


@bp.route("/")
@role_required(Role.PATIENT)
def my_requests():
    """The patient's consultation requests and their status."""
    page = paginate(consultations.patient_requests(current_user), per_page=20)
    return render_template(
        "consultations/my_requests.html", page=page, form=EmptyForm(), another_form=AnotherTimeForm(formdata=None)
    )


@bp.route("/<int:request_id>/confirm", methods=["POST"])
@role_required(Role.PATIENT)
def confirm(request_id: int):
    """The patient confirms the time the practitioner proposed."""
    consultation = consultations.request_for_patient(request_id, current_user) or abort(404)
    if EmptyForm().validate_on_submit():
        try:
            consultations.confirm(consultation)
        except ConsultationError as error:
            flash(str(error), "error")
        else:
            flash(
                gettext(
                    "Confirmed: %(time)s. The practitioner has been told.",
                    time=consultations.proposed_words(consultation),
                ),
                "success",
            )
    return redirect(url_for("consultations.my_requests"))


@bp.route("/<int:request_id>/another-time", methods=["POST"])
@role_required(Role.PATIENT)
def ask_for_another_time(request_id: int):
    """The patient asks for another time than the one proposed."""
    consultation = consultations.request_for_patient(request_id, current_user) or abort(404)
    form = AnotherTimeForm()
    if form.validate_on_submit():
        try:
            consultations.ask_for_another_time(consultation, form.note.data or "")
        except ConsultationError as error:
            flash(str(error), "error")
        else:
            flash(gettext("The practitioner is asked for another time. You will hear back here and by email."), "info")
            return redirect(url_for("consultations.my_requests"))
    page = paginate(consultations.patient_requests(current_user), per_page=20)
    return render_template("consultations/my_requests.html", page=page, form=EmptyForm(), another_form=form), 400


@bp.route("/<int:request_id>/cancel", methods=["POST"])
@role_required(Role.PATIENT)
def cancel(request_id: int):
    """The patient withdraws a request."""
    consultation = consultations.request_for_patient(request_id, current_user) or abort(404)
    if EmptyForm().validate_on_submit():
        try:
            consultations.cancel(consultation)
        except ConsultationError as error:
            flash(str(error), "error")
        else:
            flash(gettext("Your request is canceled."), "info")
    return redirect(url_for("consultations.my_requests"))


@bp.route("/inbox")
@role_required(Role.THERAPIST)
def inbox():
    """Requests to the therapist's practice, with a status filter."""
    profile = current_user.profile
    if profile is None:
        flash(gettext("Create your profile first: requests come to it."), "info")
        return render_template("consultations/inbox.html", page=None, filters=InboxFilterForm(request.args))
    filters = InboxFilterForm(request.args)
    status = filters.status.data if filters.validate() else None
    page = paginate(consultations.inbox(profile, status or None), per_page=20)
    return render_template(
        "consultations/inbox.html", page=page, filters=filters, sharing=sharing.sharing_patient_ids(current_user)
    )


@bp.route("/inbox/<int:request_id>")
@role_required(Role.THERAPIST)
def inbox_detail(request_id: int):
    """One request, with the patient's shared questionnaire summary when they consented."""
    consultation = consultations.request_for_therapist(request_id, current_user) or abort(404)
    return render_template(
        "consultations/inbox_detail.html",
        consultation=consultation,
        accept_form=AcceptForm(),
        decline_form=DeclineForm(),
        form=EmptyForm(),
        sharing=sharing.sharing_patient_ids(current_user),
    )


def _therapist_action(request_id: int, form, act, done: str):
    consultation = consultations.request_for_therapist(request_id, current_user) or abort(404)
    if form.validate_on_submit():
        try:
            act(consultation, form)
        except ConsultationError as error:
            flash(str(error), "error")
        else:
            flash(done, "success")
            return redirect(url_for("consultations.inbox_detail", request_id=request_id))
    forms = {"accept_form": AcceptForm(), "decline_form": DeclineForm(), "form": EmptyForm()}
    forms[{AcceptForm: "accept_form", DeclineForm: "decline_form"}.get(type(form), "form")] = form
    return render_template("consultations/inbox_detail.html", consultation=consultation, **forms), 400


@bp.route("/inbox/<int:request_id>/accept", methods=["POST"])
@role_required(Role.THERAPIST)
def accept(request_id: int):
    """Accept a request, proposing a time."""
    return _therapist_action(
        request_id,
        AcceptForm(),
        lambda c, f: consultations.accept(c, f.proposed_time.data),
        "Accepted: the patient has been told.",
    )


@bp.route("/inbox/<int:request_id>/decline", methods=["POST"])
@role_required(Role.THERAPIST)
def decline(request_id: int):
    """Decline a request with a reason."""
    return _therapist_action(
        request_id,
        DeclineForm(),
        lambda c, f: consultations.decline(c, f.reason.data),
        "Declined: the patient has been told.",
    )


@bp.route("/inbox/<int:request_id>/complete", methods=["POST"])
@role_required(Role.THERAPIST)
def complete(request_id: int):
    """Mark an accepted consultation as done, which lets the patient review."""
    return _therapist_action(request_id, EmptyForm(), lambda c, f: consultations.complete(c), "Marked as completed.")
