import io
from datetime import date
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from directory.access import role_required
from directory.admin import bp, display
from directory.admin.forms import (
    ApproveForm,
    AuditFilterForm,
    InfoRequestForm,
    ModerationForm,
    QueueFilterForm,
    RejectForm,
    ReviewFilterForm,
    RosterApplyForm,
    RosterMappingForm,
    RosterUploadForm,
    SuspensionForm,
    UserSearchForm,
)
from directory.extensions import db
from directory.forms import required_number
from directory.models import Certification, OutboxMessage, Review, Role, User
from directory.pagination import paginate
from directory.services.core import audit, mail, uploads
from directory.services.core.text import gettext, ngettext, number_label
from directory.services.oversight import moderation, overview
from directory.services.verification import decisions
from directory.services.verification.roster import mapping, preview, reading, stored

PAGE_SIZE = 25
# Long roster previews are cut here; the counts above each list stay complete.
PREVIEW_ROWS_SHOWN = 200
# After applying a roster, the flash names this many of the certifications left pending, and counts the rest.
SKIPS_NAMED = 5
EVIDENCE_TYPES = (uploads.PDF, uploads.PNG, uploads.JPEG)
# The certification page frames its PDF evidence: this page alone allows same-origin frames and objects.
CERTIFICATION_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; frame-src 'self'; object-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The evidence itself runs nothing and may be framed by this site only (the PDF viewer is a plugin: object-src).
EVIDENCE_CSP = "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'"


def _admin() -> User:
    return current_user._get_current_object()


@bp.context_processor
def admin_helpers() -> dict:
    return display.helpers()


# ---------------------------------------------------------------- dashboard and outbox


@bp.route("/")
@role_required(Role.ADMIN)
def dashboard():
    """The admin area's home: what waits for a decision, with a link to each area."""
    return render_template("admin/dashboard.html", overview=overview.overview())


@bp.route("/outbox")
@role_required(Role.ADMIN)
def outbox():
    """The mail the outbox backend kept, newest first, with the secret in sign-in links hidden."""
    page = paginate(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()), per_page=25
    )
    bodies = {message.id: mail.redact_secret_links(message.body) for message in page.items}
    return render_template("admin/outbox.html", page=page, bodies=bodies)


# ---------------------------------------------------------------- verification


@bp.route("/certifications")
@role_required(Role.ADMIN)
def list_certifications():
    """The verification queue: pending certifications, newest first, searched and filtered."""
    form = QueueFilterForm(request.args)
    if not form.validate():
        return render_template("admin/certifications.html", form=form, page=None), 400
    filters = {name: form[name].data or None for name in ("q", "body", "waiting", "evidence", "expired")}
    filters["order"] = None if form.order.data == "newest" else form.order.data
    page = paginate(
        decisions.queue(
            filters["body"],
            filters["waiting"],
            text=filters["q"],
            evidence=filters["evidence"],
            expired=filters["expired"],
            order=form.order.data or "newest",
        ),
        per_page=PAGE_SIZE,
    )
    return render_template("admin/certifications.html", form=form, page=page, filters=filters)


@bp.route("/certifications/<int:certification_id>")
@role_required(Role.ADMIN)
def show_certification(certification_id: int):
    """One certification: the therapist, what they submitted, the evidence, and the decision forms."""
    return _certification_page(db.get_or_404(Certification, certification_id))


@bp.route("/certifications/<int:certification_id>/approve", methods=["POST"])
@role_required(Role.ADMIN)
def approve_certification(certification_id: int):
    """Verify a pending certification."""
    certification = db.get_or_404(Certification, certification_id)
    form = ApproveForm(prefix="approve")
    if not form.validate_on_submit():
        return _certification_page(certification, 400, approve_form=form)
    try:
        decisions.approve(certification_id, required_number(form.version), _admin())
    except decisions.DecisionError as error:
        flash(str(error), "error")
        return redirect(url_for(".show_certification", certification_id=certification_id))
    flash(gettext("The certification is verified, and the therapist has been told."), "success")
    return redirect(url_for(".list_certifications"))


@bp.route("/certifications/<int:certification_id>/reject", methods=["POST"])
@role_required(Role.ADMIN)
def reject_certification(certification_id: int):
    """Reject a pending certification with a reason."""
    certification = db.get_or_404(Certification, certification_id)
    form = RejectForm(prefix="reject")
    if not form.validate_on_submit():
        return _certification_page(certification, 400, reject_form=form)
    try:
        decisions.reject(certification_id, required_number(form.version), _admin(), form.reason.data, form.details.data)
    except decisions.DecisionError as error:
        flash(str(error), "error")
        return redirect(url_for(".show_certification", certification_id=certification_id))
    flash(gettext("The certification is rejected, and the therapist has been told why."), "success")
    return redirect(url_for(".list_certifications"))


@bp.route("/certifications/<int:certification_id>/request-information", methods=["POST"])
@role_required(Role.ADMIN)
def request_information(certification_id: int):
    """Ask the therapist for more information; the certification stays pending."""
    certification = db.get_or_404(Certification, certification_id)
    form = InfoRequestForm(prefix="info")
    if not form.validate_on_submit():
        return _certification_page(certification, 400, info_form=form)
    try:
        decisions.request_information(certification_id, required_number(form.version), _admin(), form.message.data)
    except decisions.DecisionError as error:
        flash(str(error), "error")
        return redirect(url_for(".show_certification", certification_id=certification_id))
    flash(gettext("Your request is sent to the therapist. The certification stays in the queue."), "success")
    return redirect(url_for(".list_certifications"))


@bp.route("/certifications/<int:certification_id>/evidence")
@role_required(Role.ADMIN)
def show_evidence(certification_id: int):
    """The evidence document, to show inline on the certification page (framed by this site only)."""
    response = _evidence_response(certification_id, as_attachment=False)
    response.headers["Content-Security-Policy"] = EVIDENCE_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/certifications/<int:certification_id>/evidence/download")
@role_required(Role.ADMIN)
def download_evidence(certification_id: int):
    """The evidence document as a download."""
    return _evidence_response(certification_id, as_attachment=True)


def _evidence_response(certification_id: int, as_attachment: bool) -> Response:
    certification = db.get_or_404(Certification, certification_id)
    evidence = certification.evidence
    if evidence is None:
        abort(404)
    # The type was sniffed from the content at upload; anything else is only ever downloaded.
    known = evidence.content_type in EVIDENCE_TYPES
    response = send_file(
        io.BytesIO(evidence.content),
        mimetype=evidence.content_type if known else "application/octet-stream",
        as_attachment=as_attachment or not known,
        download_name=uploads.clean_filename(evidence.filename, evidence.content_type) if known else "evidence.bin",
        etag=evidence.sha256,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _certification_page(certification: Certification, status: int = 200, **forms) -> Response:
    """The certification page with fresh decision forms, except the one being corrected."""
    current = {"version": certification.version}
    forms.setdefault("approve_form", ApproveForm(prefix="approve", formdata=None, data=current))
    forms.setdefault("reject_form", RejectForm(prefix="reject", formdata=None, data=current))
    forms.setdefault("info_form", InfoRequestForm(prefix="info", formdata=None, data=current))
    history = audit.history("certification", certification.id)
    others = [c for c in certification.profile.certifications if c.id != certification.id]
    body = render_template(
        "admin/certification.html",
        certification=certification,
        others=others,
        history=history,
        today=date.today(),
        **forms,
    )
    response = make_response(body, status)
    response.headers["Content-Security-Policy"] = CERTIFICATION_PAGE_CSP
    return response


# ---------------------------------------------------------------- roster import


@bp.route("/rosters", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def upload_roster():
    """Upload a certifying body's CSV roster, to preview what it confirms."""
    form = RosterUploadForm()
    if form.validate_on_submit():
        # The request is capped by MAX_CONTENT_LENGTH (413 above it); the roster itself by MAX_BYTES.
        data = form.roster.data.read(reading.MAX_BYTES + 1)
        try:
            file_id = stored.store(form.roster.data.filename, data)
        except reading.RosterError as error:
            form.roster.errors.append(str(error))
        else:
            return redirect(url_for(".preview_roster", file_id=file_id, body=form.body.data or None))
    return render_template("admin/roster_upload.html", form=form), 200 if not form.errors else 400


@bp.route("/rosters/<int:file_id>")
@role_required(Role.ADMIN)
def preview_roster(file_id: int):
    """Map the roster's columns and see what it confirms, contradicts and does not mention."""
    try:
        upload = stored.load(file_id)
    except reading.RosterError as error:
        flash(str(error), "error")
        return redirect(url_for(".upload_roster"))
    guessed = mapping.guess_mapping(upload.roster.headers)
    defaults = {field: "" if column is None else str(column) for field, column in guessed.items()}
    form = RosterMappingForm(request.args, data={**defaults, "body": ""})
    form.set_columns(upload.roster.headers)
    result, problem, apply_form = None, None, None
    if form.validate():
        try:
            result = preview.preview(upload.roster, form.mapping(), form.body.data or None, today=date.today())
        except reading.RosterError as error:
            problem = str(error)
        else:
            values = {field: "" if column is None else str(column) for field, column in form.mapping().items()}
            apply_form = RosterApplyForm(
                formdata=None, data={**values, "body": form.body.data, "token": stored.preview_token(result)}
            )
    page = render_template(
        "admin/roster_preview.html",
        upload=upload,
        form=form,
        result=result,
        problem=problem,
        apply_form=apply_form,
        shown=PREVIEW_ROWS_SHOWN,
    )
    # A first look with columns left to choose is not an error; a submitted mapping that fails is.
    submitted = any(field in request.args for field in mapping.FIELDS)
    return page, 400 if result is None and submitted else 200


@bp.route("/rosters/<int:file_id>/apply", methods=["POST"])
@role_required(Role.ADMIN)
def apply_roster(file_id: int):
    """Verify the certifications the previewed roster confirms, in one transaction."""
    form = RosterApplyForm()
    if not form.validate_on_submit():
        abort(400, gettext("The form was incomplete. Open the roster preview again and apply from there."))
    try:
        mapping = form.mapping()
    except ValueError:
        abort(
            400, gettext("The column choices were not understood. Open the roster preview again and apply from there.")
        )
    # Any: url_for types its own keywords (_external, _anchor, ...), which these never are.
    columns: dict[str, Any] = {field: "" if column is None else column for field, column in mapping.items()}
    back = url_for(".preview_roster", file_id=file_id, body=form.body.data, **columns)
    try:
        applied = stored.apply(file_id, mapping, form.body.data or None, form.token.data, _admin(), date.today())
    except stored.RosterGone as error:
        flash(str(error), "error")
        return redirect(url_for(".upload_roster"))
    except reading.RosterError as error:
        flash(str(error), "error")
        return redirect(back)
    count = len(applied.verified_ids)
    flash(
        ngettext(
            "%(count)s certification verified from the roster; each therapist has been told.",
            "%(count)s certifications verified from the roster; each therapist has been told.",
            count,
            count=number_label(count),
        ),
        "success",
    )
    if applied.skipped:
        skipped = len(applied.skipped)
        reasons = "; ".join(f"#{skip.certification_id}: {skip.reason}" for skip in applied.skipped[:SKIPS_NAMED])
        if skipped > SKIPS_NAMED:
            message = ngettext(
                "%(count)s left pending because they changed since the preview: %(reasons)s (and %(more)s more).",
                "%(count)s left pending because they changed since the preview: %(reasons)s (and %(more)s more).",
                skipped,
                count=number_label(skipped),
                reasons=reasons,
                more=number_label(skipped - SKIPS_NAMED),
            )
        else:
            message = ngettext(
                "%(count)s left pending because it changed since the preview: %(reasons)s.",
                "%(count)s left pending because they changed since the preview: %(reasons)s.",
                skipped,
                count=number_label(skipped),
                reasons=reasons,
            )
        flash(message, "warning")
    return redirect(url_for(".list_certifications"))


# ---------------------------------------------------------------- reviews


@bp.route("/reviews")
@role_required(Role.ADMIN)
def list_reviews():
    """The moderation queue: flagged reviews with the reasons given, oldest first (or the hidden ones)."""
    form = ReviewFilterForm(request.args)
    if not form.validate():
        return render_template("admin/reviews.html", form=form, page=None), 400
    page = paginate(moderation.flagged_reviews(form.status.data), per_page=PAGE_SIZE)
    return render_template("admin/reviews.html", form=form, page=page)


@bp.route("/reviews/<int:review_id>")
@role_required(Role.ADMIN)
def show_review(review_id: int):
    """One review with its flags, and the form to hide or restore it."""
    review = db.get_or_404(Review, review_id)
    return _review_page(review, ModerationForm(formdata=None, data={"seen_status": review.status}))


@bp.route("/reviews/<int:review_id>/hide", methods=["POST"])
@role_required(Role.ADMIN)
def hide_review(review_id: int):
    """Hide a review from the site, with a reason."""
    return _moderate(
        review_id,
        moderation.hide_review,
        gettext(
            "The review is hidden and no longer counts in the rating. The author and the therapist have been told."
        ),
    )


@bp.route("/reviews/<int:review_id>/restore", methods=["POST"])
@role_required(Role.ADMIN)
def restore_review(review_id: int):
    """Keep a flagged review, or show a hidden one again, with a reason."""
    return _moderate(
        review_id,
        moderation.restore_review,
        gettext("The review is published and counts in the rating. The author and the therapist have been told."),
    )


def _moderate(review_id: int, action, done: str):
    review = db.get_or_404(Review, review_id)
    form = ModerationForm()
    if not form.validate_on_submit():
        return _review_page(review, form), 400
    try:
        action(review_id, form.seen_status.data, _admin(), form.reason.data)
    except moderation.ModerationError as error:
        flash(str(error), "error")
        return redirect(url_for(".show_review", review_id=review_id))
    flash(done, "success")
    return redirect(url_for(".list_reviews"))


def _review_page(review: Review, form: ModerationForm) -> str:
    history = audit.history("review", review.id)
    return render_template("admin/review.html", review=review, form=form, history=history)


# ---------------------------------------------------------------- users


@bp.route("/users")
@role_required(Role.ADMIN)
def list_users():
    """Find users by email, name, role and status."""
    form = UserSearchForm(request.args)
    if not form.validate():
        return render_template("admin/users.html", form=form, page=None), 400
    query = moderation.search_users(form.q.data, form.role.data or None, form.status.data or None)
    page = paginate(query, per_page=PAGE_SIZE)
    filters = {"q": form.q.data or None, "role": form.role.data or None, "status": form.status.data or None}
    return render_template("admin/users.html", form=form, page=page, filters=filters)


@bp.route("/users/<int:user_id>")
@role_required(Role.ADMIN)
def show_user(user_id: int):
    """One account: who it is, its status and history, and the form to suspend or reactivate it."""
    return _user_page(db.get_or_404(User, user_id), SuspensionForm(formdata=None))


@bp.route("/users/<int:user_id>/suspend", methods=["POST"])
@role_required(Role.ADMIN)
def suspend_user(user_id: int):
    """Suspend an account, with a reason."""
    return _change_user(
        user_id, moderation.suspend_user, gettext("The account is suspended and its owner has been told.")
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@role_required(Role.ADMIN)
def reactivate_user(user_id: int):
    """Reactivate a suspended account, with a reason."""
    return _change_user(
        user_id, moderation.reactivate_user, gettext("The account is active again and its owner has been told.")
    )


def _change_user(user_id: int, action, done: str):
    user = db.get_or_404(User, user_id)
    form = SuspensionForm()
    if not form.validate_on_submit():
        return _user_page(user, form), 400
    try:
        action(user_id, _admin(), form.reason.data)
    except moderation.ModerationError as error:
        flash(str(error), "error")
    else:
        flash(done, "success")
    return redirect(url_for(".show_user", user_id=user_id))


def _user_page(user: User, form: SuspensionForm) -> str:
    history = audit.history("user", user.id)
    return render_template("admin/user.html", user=user, form=form, history=history)


# ---------------------------------------------------------------- audit log (read only)


@bp.route("/audit")
@role_required(Role.ADMIN)
def list_audit_events():
    """The audit log, newest first, filtered by actor, action, target and date; read only."""
    form, filters = _audit_filters()
    if filters is None:
        return render_template("admin/audit.html", form=form, page=None, args={}), 400
    page = paginate(audit.events(filters), per_page=PAGE_SIZE)
    return render_template("admin/audit.html", form=form, page=page, args=_audit_args(form))


@bp.route("/audit.csv")
@role_required(Role.ADMIN)
def export_audit_events():
    """The filtered audit log as a CSV download."""
    _form, filters = _audit_filters()
    if filters is None:
        abort(400, gettext("Correct the filters on the audit log page, then export again."))
    response = Response(stream_with_context(audit.csv_lines(filters)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-log-{date.today():%Y%m%d}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _audit_filters() -> tuple[AuditFilterForm, audit.AuditFilters | None]:
    form = AuditFilterForm(request.args)
    form.set_choices(audit.known_actions(), audit.known_target_types())
    if not form.validate():
        return form, None
    actor = form.actor.data or None
    if actor and actor.strip().lower() == gettext("system").lower():
        actor = "system"  # the word the page shows for events without an actor, in the page's language
    return form, audit.AuditFilters(
        actor=actor,
        action=form.action.data or None,
        target_type=form.target_type.data or None,
        target_id=form.target_id.data,
        since=form.since.data,
        until=form.until.data,
    )


def _audit_args(form: AuditFilterForm) -> dict:
    """The filters as query arguments, for the pagination and export links."""
    args = {name: request.args.get(name) for name in ("actor", "action", "target_type", "target_id", "since", "until")}
    return {name: value for name, value in args.items() if value}
