from datetime import date
from io import BytesIO

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from directory.access import role_required
from directory.extensions import db
from directory.forms import EmptyForm, required_number
from directory.models import Certification, Role, User
from directory.services.community import reviews
from directory.services.core.text import gettext, join_words
from directory.services.core.uploads import Upload, UploadError
from directory.services.practice import dashboard, photos, profiles, publishing
from directory.services.practice.errors import ProfileError
from directory.services.search import profile_page, ratings
from directory.services.verification import certifications
from directory.therapist import bp
from directory.therapist.forms import (
    CertificationForm,
    EvidenceForm,
    NewCertificationForm,
    PhotoForm,
    ProfileForm,
    VersionForm,
    error_summary,
)

PUBLIC_PHOTO_MAX_AGE = 3600


@bp.context_processor
def therapist_helpers() -> dict:
    return {
        "describe_status": certifications.describe_status,
        "error_summary_of": error_summary,
    }


def _me() -> User:
    """The signed-in therapist as a model instance (services assign it to relationships)."""
    return current_user._get_current_object()


def _upload(file_storage, limit: int) -> Upload:
    """The uploaded file's name and bytes; reads one byte past the limit so that the service can refuse it."""
    return Upload(file_storage.filename or "", file_storage.stream.read(limit + 1))


def _editor(form: ProfileForm, photo_form: PhotoForm, status: int = 200):
    """The profile editor page with its two forms."""
    me = _me()
    return render_template(
        "therapist/edit_profile.html",
        form=form,
        photo_form=photo_form,
        profile=me.profile,
        completeness=publishing.completeness(me.profile),
    ), status


def _own_certification(certification_id: int) -> Certification:
    """One of the signed-in therapist's certifications; 404 for anyone else's."""
    certification = certifications.owned_certification(_me(), certification_id)
    if certification is None:
        abort(404)
    return certification


def _field_error(form, name: str | None, message: str) -> None:
    """Show a service's message at its field, or at the top of the form."""
    field = getattr(form, name, None) if name else None
    (field.errors if field is not None else form.form_errors).append(message)


# Dashboard and profile ------------------------------------------------------------------


@bp.route("/")
@role_required(Role.THERAPIST)
def show_dashboard():
    """The therapist's home: verification state, what to do next, completeness and notices."""
    return render_template("therapist/show_dashboard.html", overview=dashboard.overview(_me()), form=EmptyForm())


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.THERAPIST)
def edit_profile():
    """Edit every part of the profile; the address is placed on the map when saved."""
    me = _me()
    form = ProfileForm() if request.method == "POST" else ProfileForm(data=ProfileForm.initial_data(me.profile, me))
    photo_form = PhotoForm(formdata=None)
    chosen = request.files.get("photo") if request.method == "POST" else None
    if form.validate_on_submit():
        try:
            result = profiles.save_profile(me, form.to_data())
        except ProfileError as error:
            _field_error(form, error.field, str(error))
        else:
            flash(
                gettext("Your profile is created.") if result.created else gettext("Your profile is saved."), "success"
            )
            photo_refused = False
            if chosen is not None and chosen.filename:
                try:
                    photos.set_photo(me, _upload(chosen, photos.PHOTO_MAX_BYTES))
                except (UploadError, ProfileError) as error:
                    photo_refused = True
                    flash(
                        gettext(
                            "Your photo was not uploaded: %(reason)s Choose another photo and save again.", reason=error
                        ),
                        "error",
                    )
                else:
                    flash(gettext("Your photo is saved."), "success")
            if result.location.message:
                flash(result.location.message, "warning" if result.location.needs_attention else "info")
            if result.unpublished_for:
                flash(
                    gettext(
                        "Your profile is hidden from the directory until you add %(missing)s.",
                        missing=join_words(result.unpublished_for),
                    ),
                    "warning",
                )
            anchor = "#photo" if photo_refused else "#location" if result.location.needs_attention else ""
            return redirect(url_for("therapist.edit_profile") + anchor)
    if chosen is not None and chosen.filename and form.errors:
        # A file input cannot be filled in again: say so beside it, with the reason.
        photo_form.photo.errors = [
            gettext(
                "Your photo was not uploaded, because nothing was saved: correct the profile, then choose the photo again."
            )
        ]
    return _editor(form, photo_form, 400 if form.errors else 200)


@bp.route("/profile/preview")
@role_required(Role.THERAPIST)
def preview_profile():
    """The profile as the public sees it, even before it is published."""
    profile = profiles.profile_for_preview(_me())
    if profile is None:
        flash(gettext("Fill in your profile first; then you can preview it."), "info")
        return redirect(url_for("therapist.edit_profile"))
    return render_template(
        "therapist/preview_profile.html",
        profile=profile,
        practice=profile_page.practice_labels(profile),
        verified=profile.verified_on(date.today()),
        rating=ratings.summary(profile),
        reviews=db.session.scalars(reviews.visible_reviews(profile).limit(20)).all(),
        back=None,
        distance_km=None,
        unit="km",
    )


@bp.route("/profile/publish", methods=["POST"])
@role_required(Role.THERAPIST)
def publish_profile():
    """Show the profile in the directory, when it has what publishing needs."""
    if EmptyForm().validate_on_submit():
        try:
            publishing.publish(_me())
        except publishing.PublishError as error:
            flash(str(error), "error")
        else:
            flash(gettext("Your profile is published: patients can now find it in the directory."), "success")
    return redirect(url_for("therapist.show_dashboard"))


@bp.route("/profile/unpublish", methods=["POST"])
@role_required(Role.THERAPIST)
def unpublish_profile():
    """Take the profile off the directory (it is kept, and can be published again)."""
    if EmptyForm().validate_on_submit() and publishing.unpublish(_me()):
        flash(gettext("Your profile is no longer shown in the directory."), "info")
    return redirect(url_for("therapist.show_dashboard"))


@bp.route("/profile/photo", methods=["POST"])
@role_required(Role.THERAPIST)
def upload_photo():
    """Add or replace the profile photo."""
    me = _me()
    photo_form = PhotoForm()
    if photo_form.validate_on_submit():
        try:
            photos.set_photo(me, _upload(photo_form.photo.data, photos.PHOTO_MAX_BYTES))
        except (UploadError, ProfileError) as error:
            photo_form.photo.errors.append(str(error))
        else:
            flash(gettext("Your photo is saved."), "success")
            return redirect(url_for("therapist.edit_profile") + "#photo")
    return _editor(ProfileForm(formdata=None, data=ProfileForm.initial_data(me.profile, me)), photo_form, 400)


@bp.route("/profile/photo/remove", methods=["POST"])
@role_required(Role.THERAPIST)
def remove_photo():
    """Remove the profile photo."""
    if EmptyForm().validate_on_submit() and photos.remove_photo(_me()):
        flash(gettext("Your photo is removed."), "info")
    return redirect(url_for("therapist.edit_profile") + "#photo")


@bp.route("/profiles/<int:profile_id>/photo")
def show_photo(profile_id: int):
    """A profile's photo: public for a listed profile, otherwise only for its owner."""
    viewer = _me() if current_user.is_authenticated else None
    found = photos.photo_for(profile_id, viewer)
    if found is None:
        abort(404)
    photo, public = found
    response = Response(photo.content, mimetype=photo.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline; filename=photo.jpg"
    response.set_etag(photo.sha256)
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_PHOTO_MAX_AGE
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    return response.make_conditional(request)


# Certifications -------------------------------------------------------------------------


@bp.route("/certifications")
@role_required(Role.THERAPIST)
def list_certifications():
    """The therapist's certifications with their status and what to do next."""
    me = _me()
    return render_template(
        "therapist/list_certifications.html", certifications=certifications.certifications_of(me), profile=me.profile
    )


@bp.route("/certifications/new", methods=["GET", "POST"])
@role_required(Role.THERAPIST)
def add_certification():
    """Submit a certification with its evidence for verification."""
    me = _me()
    if me.profile is None:
        flash(gettext("Fill in your profile first (your name at least); then add your certifications."), "info")
        return redirect(url_for("therapist.edit_profile"))
    form = NewCertificationForm()
    if form.validate_on_submit():
        try:
            certifications.add_certification(
                me, form.to_data(), _upload(form.evidence.data, certifications.EVIDENCE_MAX_BYTES)
            )
        except UploadError as error:
            form.evidence.errors.append(gettext("%(reason)s Choose the file again.", reason=error))
        except certifications.CertificationError as error:
            _field_error(form, error.field, str(error))
        else:
            flash(gettext("Your certification is submitted. Our team will verify it against the evidence."), "success")
            return redirect(url_for("therapist.list_certifications"))
    elif form.errors and form.evidence.data and not form.evidence.errors:
        form.evidence.errors.append(gettext("Browsers forget a chosen file when a form comes back: choose it again."))
    return render_template(
        "therapist/add_certification.html", form=form
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/certifications/<int:certification_id>", methods=["GET", "POST"])
@role_required(Role.THERAPIST)
def edit_certification(certification_id: int):
    """Correct a certification or replace its evidence; a verified one may go back for verification."""
    me = _me()
    certification = _own_certification(certification_id)
    form = CertificationForm() if request.method == "POST" else CertificationForm(obj=certification)
    if form.validate_on_submit():
        evidence = form.evidence.data
        try:
            result = certifications.update_certification(
                me,
                certification,
                form.to_data(),
                _upload(evidence, certifications.EVIDENCE_MAX_BYTES) if evidence else None,
                form.version.data if form.version.data is not None else -1,
            )
        except UploadError as error:
            form.evidence.errors.append(gettext("%(reason)s Choose the file again.", reason=error))
        except certifications.StaleCertification as error:
            flash(str(error), "error")
            return redirect(url_for("therapist.edit_certification", certification_id=certification_id))
        except certifications.CertificationError as error:
            _field_error(form, error.field, str(error))
        else:
            if result.resubmitted:
                flash(
                    gettext("Your changes are saved. The certification goes back to our team for verification."),
                    "success",
                )
            elif result.answered:
                flash(gettext("Thank you: your new evidence is sent to our team."), "success")
            else:
                flash(gettext("Your changes are saved."), "success")
            return redirect(url_for("therapist.list_certifications"))
    return _certification_page(certification, form, 400 if form.errors or form.form_errors else 200)


def _certification_page(certification: Certification, form: CertificationForm, status: int, evidence_form=None):
    """The page of one certification: its state, the request for information, the edit form, withdrawing."""
    return render_template(
        "therapist/edit_certification.html",
        certification=certification,
        state=certifications.describe_status(certification),
        form=form,
        evidence_form=evidence_form or EvidenceForm(formdata=None, version=certification.version),
        withdraw_form=VersionForm(formdata=None, version=certification.version),
    ), status


@bp.route("/certifications/<int:certification_id>/answer", methods=["POST"])
@role_required(Role.THERAPIST)
def answer_request(certification_id: int):
    """Answer our team's request for information with a new evidence document."""
    certification = _own_certification(certification_id)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            certifications.replace_evidence(
                _me(),
                certification,
                _upload(form.evidence.data, certifications.EVIDENCE_MAX_BYTES),
                required_number(form.version),
            )
        except UploadError as error:
            form.evidence.errors.append(str(error))
        except certifications.StaleCertification as error:
            flash(str(error), "error")
            return redirect(url_for("therapist.edit_certification", certification_id=certification_id))
        else:
            flash(gettext("Thank you: your new evidence is sent to our team."), "success")
            return redirect(url_for("therapist.list_certifications"))
    edit_form = CertificationForm(formdata=None, obj=certification)
    return _certification_page(certification, edit_form, 400, evidence_form=form)


@bp.route("/certifications/<int:certification_id>/evidence")
@role_required(Role.THERAPIST)
def download_evidence(certification_id: int):
    """The evidence document of one of the therapist's own certifications, as a download."""
    evidence = certifications.evidence_for_owner(_me(), certification_id)
    if evidence is None:
        abort(404)
    response = send_file(
        BytesIO(evidence.content),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.filename,
        etag=False,
        conditional=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.route("/certifications/<int:certification_id>/withdraw", methods=["POST"])
@role_required(Role.THERAPIST)
def withdraw_certification(certification_id: int):
    """Withdraw a certification: it is deleted with its evidence."""
    certification = _own_certification(certification_id)
    form = VersionForm()
    if not form.validate_on_submit():
        flash(gettext("The page had expired. Reload it and try again."), "error")
        return redirect(url_for("therapist.edit_certification", certification_id=certification_id))
    try:
        certifications.withdraw_certification(_me(), certification, required_number(form.version))
    except certifications.StaleCertification as error:
        flash(str(error), "error")
        return redirect(url_for("therapist.edit_certification", certification_id=certification_id))
    flash(gettext("The certification is withdrawn and its evidence deleted."), "info")
    return redirect(url_for("therapist.list_certifications"))
