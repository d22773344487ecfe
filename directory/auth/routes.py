from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from directory.auth import bp
from directory.auth.forms import ForgotPasswordForm, LoginForm, ResetPasswordForm, SignupForm
from directory.extensions import limiter
from directory.forms import EmptyForm
from directory.i18n import current_language
from directory.redirects import safe_next
from directory.services.core import accounts
from directory.services.core.passwords import WeakPassword
from directory.services.core.text import gettext
from directory.services.questionnaire import responses


def _home_for(user) -> str:
    return url_for("account.dashboard")


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup():
    """Create a patient or therapist account, then ask the person to check their mail."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = SignupForm()
    if request.method == "GET" and request.args.get("role") in ("patient", "therapist"):
        form.role.data = request.args["role"]
    if form.validate_on_submit():
        try:
            # None when the address already has an account: its owner is mailed instead.
            accounts.register(form.email.data, form.password.data, form.role.data, form.name.data, current_language())
        except WeakPassword as error:
            form.password.errors.append(str(error))
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            # The same answer for a new and a taken address, so that sign-up never tells whether one
            # exists; that is also why nobody is logged in here.
            flash(gettext("We sent a link to %(email)s.", email=accounts.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.check_mail"))
    return render_template("auth/signup.html", form=form), 200 if not form.errors else 400


@bp.route("/signup/check-mail")
def check_mail():
    """After sign-up: open the mailed link to confirm the address, then log in."""
    return render_template("auth/check_mail.html", days=current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = LoginForm(next=request.args.get("next"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("The email address or the password is not right.")
        elif not user.active:
            form.email.errors.append(
                "This account is suspended. If you think this is a mistake, write to "
                f"{current_app.config['CONTACT_EMAIL']}."
            )
        else:
            login_user(user, remember=form.remember.data)
            flash(gettext("You are logged in."), "success")
            return redirect(safe_next(form.next.data, "account.dashboard"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST only, so that a link elsewhere cannot log anyone out), ending the account's sessions."""
    EmptyForm().validate_on_submit()
    if current_user.is_authenticated:
        # A copied session or remember cookie names the old version, so it stops working (on every device).
        accounts.end_sessions(current_user._get_current_object())
    # Unsaved answers leave the database, not only this browser's cookie.
    responses.discard_unsaved(session.get(responses.TOKEN_KEY))
    # Forget everything this browser held. logout_user comes after the clear: its order to delete
    # the remember cookie lives in the session, and clearing after it would cancel that order.
    session.clear()
    logout_user()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    """Confirm an email address from the emailed link."""
    try:
        accounts.confirm_email(token)
    except accounts.InvalidToken as error:
        flash(gettext(str(error)), "error")
        return render_template("auth/link_invalid.html", message=str(error)), 400
    flash(gettext("Thank you: your email address is confirmed."), "success")
    return redirect(url_for("account.dashboard") if current_user.is_authenticated else url_for("auth.login"))


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["CONFIRM_RESEND_RATE_LIMIT"])
def resend_confirmation():
    """Mail a new confirmation link to the logged-in user."""
    if EmptyForm().validate_on_submit() and not current_user.email_confirmed:
        accounts.resend_confirmation(current_user)
        flash(gettext("We sent a new link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("account.dashboard"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    """Ask for a password-reset link."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(gettext("If an account uses that address, we sent it a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 200 if not form.errors else 400


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from an emailed link."""
    try:
        accounts.user_for_reset_token(token)
    except accounts.InvalidToken as error:
        return render_template("auth/link_invalid.html", message=str(error)), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except WeakPassword as error:
            form.password.errors.append(str(error))
        except accounts.InvalidToken as error:
            return render_template("auth/link_invalid.html", message=str(error)), 400
        else:
            logout_user()
            flash(gettext("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 200 if not form.errors else 400
