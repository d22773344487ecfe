import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from directory.access import role_required
from directory.account import bp
from directory.account.forms import ChangePasswordForm, DeleteAccountForm
from directory.extensions import db
from directory.forms import EmptyForm
from directory.models import Notice, Role
from directory.redirects import safe_next
from directory.services.community import consultations, reviews, shortlist
from directory.services.core import accounts
from directory.services.core.passwords import WeakPassword
from directory.services.core.text import gettext
from directory.services.questionnaire import responses


@bp.route("/")
@login_required
def dashboard():
    """The signed-in user's home: therapists and admins have their own; patients see their requests, answers, reviews and notices."""
    if current_user.is_therapist:
        return redirect(url_for("therapist.show_dashboard"))
    if current_user.is_admin:
        return redirect(url_for("admin.dashboard"))
    notices = db.session.scalars(
        select(Notice)
        .where(Notice.user_id == current_user.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "account/dashboard.html",
        notices=notices,
        requests=db.session.scalars(consultations.patient_requests(current_user).limit(5)).all(),
        my_reviews=db.session.scalars(reviews.reviews_by(current_user).limit(5)).all(),
        saved_answers=responses.saved_response(current_user.id),
        form=EmptyForm(),
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Change the password; the delete-account form lives on the same page."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.password.data)
        except WeakPassword as error:
            form.password.errors.append(str(error))
        except accounts.AccountError as error:
            form.current.errors.append(str(error))
        else:
            # The session version changed: log in again here so only other sessions end.
            login_user(current_user._get_current_object())
            flash(gettext("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("account.settings"))
    status = 200 if not form.errors else 400
    return render_template("account/settings.html", form=form, delete_form=DeleteAccountForm()), status


@bp.route("/export.json")
@login_required
def export_data():
    """Download the account's personal data as JSON (for a patient, the whole headache diary)."""
    body = json.dumps(accounts.personal_data(current_user._get_current_object()), ensure_ascii=False, indent=2)
    return Response(
        body, mimetype="application/json", headers={"Content-Disposition": 'attachment; filename="my-data.json"'}
    )


@bp.route("/delete", methods=["POST"])
@login_required
def delete():
    """Delete the signed-in user's account."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            accounts.delete_account(current_user._get_current_object(), form.password.data)
        except accounts.AccountError as error:
            form.password.errors.append(str(error))
        else:
            logout_user()
            flash(gettext("Your account and your personal data are deleted."), "info")
            return redirect(url_for("main.index"))
    return render_template("account/settings.html", form=ChangePasswordForm(formdata=None), delete_form=form), 400


@bp.route("/saved")
@role_required(Role.PATIENT)
def saved_practitioners():
    """The practitioners the patient saved, last saved first."""
    return render_template("account/saved.html", profiles=shortlist.saved_profiles(current_user), form=EmptyForm())


@bp.route("/saved/<slug>", methods=["POST"])
@role_required(Role.PATIENT)
def save_practitioner(slug: str):
    """Put a listed practitioner on the patient's shortlist, then go back where the button was."""
    profile = shortlist.listed_profile(slug) or abort(404)
    if EmptyForm().validate_on_submit():
        if shortlist.save(current_user, profile):
            flash(gettext("%(name)s is saved to your shortlist.", name=profile.display_name), "success")
        else:
            flash(gettext("%(name)s was already on your shortlist.", name=profile.display_name), "info")
    return redirect(safe_next(request.form.get("next"), "account.saved_practitioners"))


@bp.route("/saved/<slug>/remove", methods=["POST"])
@role_required(Role.PATIENT)
def remove_practitioner(slug: str):
    """Take a practitioner off the patient's shortlist."""
    profile = shortlist.listed_profile(slug)
    if EmptyForm().validate_on_submit() and profile is not None and shortlist.remove(current_user, profile.id):
        flash(gettext("%(name)s is no longer on your shortlist.", name=profile.display_name), "info")
    return redirect(safe_next(request.form.get("next"), "account.saved_practitioners"))
