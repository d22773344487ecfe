from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from directory.access import role_required
from directory.extensions import db, limiter
from directory.models import Review, Role
from directory.pagination import paginate
from directory.reviews import bp
from directory.reviews.forms import FlagForm, ReplyForm, ReviewForm
from directory.services.community import consultations, reviews
from directory.services.community.reviews import ReviewError
from directory.services.core.text import gettext, number_label


def _profile_page(review: Review):
    return redirect(url_for("practitioners.show", slug=review.profile.slug) + "#reviews-heading")


@bp.route("/new/<slug>", methods=["GET", "POST"])
@role_required(Role.PATIENT)
@limiter.limit(lambda: current_app.config["REVIEW_RATE_LIMIT"], methods=["POST"])
def write(slug: str):
    """Review a practitioner after a completed consultation."""
    profile = consultations.listed_profile(slug) or abort(404)
    if not reviews.can_review(current_user, profile):
        existing = reviews.existing_review(current_user, profile)
        if existing:
            flash(gettext("You have already reviewed this practitioner; you can edit your review."), "info")
            return redirect(url_for("reviews.edit", review_id=existing.id))
        flash(gettext("You can review a practitioner once your consultation with them has taken place."), "info")
        return redirect(url_for("practitioners.show", slug=slug)), 303
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review = reviews.write_review(current_user, profile, form.rating.data, form.text.data)
        except ReviewError as error:
            flash(str(error), "error")
        else:
            flash(gettext("Thank you: your review is published."), "success")
            return _profile_page(review)
    return render_template("reviews/write.html", form=form, profile=profile), 400 if form.errors else 200


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
@role_required(Role.PATIENT)
def edit(review_id: int):
    """Edit one's own review within 30 days."""
    review = db.session.get(Review, review_id)
    if review is None or review.author_id != current_user.id:
        abort(404)
    form = ReviewForm(obj=review)
    if form.validate_on_submit():
        try:
            reviews.edit_review(review, current_user, form.rating.data, form.text.data)
        except ReviewError as error:
            flash(str(error), "error")
        else:
            flash(gettext("Your review is updated."), "success")
            return _profile_page(review)
    return render_template(
        "reviews/write.html", form=form, profile=review.profile, review=review, editable=reviews.editable(review)
    ), 400 if form.errors else 200


@bp.route("/mine")
@role_required(Role.THERAPIST)
def of_my_practice():
    """The reviews of the therapist's practice, each with a reply form until replied."""
    profile = current_user.profile
    page = paginate(reviews.visible_reviews(profile), per_page=20) if profile else None
    forms = {review.id: ReplyForm(prefix=f"reply-{review.id}") for review in (page.items if page else [])}
    return render_template("reviews/of_my_practice.html", page=page, forms=forms)


@bp.route("/<int:review_id>/reply", methods=["POST"])
@role_required(Role.THERAPIST)
def reply(review_id: int):
    """Post the practitioner's one reply to a review."""
    review = db.session.get(Review, review_id)
    if review is None or review.profile.user_id != current_user.id:
        abort(404)
    form = ReplyForm(prefix=f"reply-{review_id}")
    if form.validate_on_submit():
        try:
            reviews.reply(review, current_user, form.text.data)
        except ReviewError as error:
            flash(str(error), "error")
        else:
            flash(gettext("Your reply is published."), "success")
    else:
        flash(gettext("Write a reply of at most %(max)s characters.", max=number_label(reviews.MAX_TEXT)), "error")
    return redirect(url_for("reviews.of_my_practice"))


@bp.route("/<int:review_id>/flag", methods=["POST"])
@login_required
@limiter.limit(lambda: current_app.config["REVIEW_FLAG_RATE_LIMIT"])
def flag(review_id: int):
    """Report a review to the moderators."""
    review = db.session.get(Review, review_id) or abort(404)
    form = FlagForm(prefix=f"flag-{review_id}")
    if form.validate_on_submit():
        try:
            reviews.flag(review, current_user, form.reason.data)
        except ReviewError as error:
            flash(str(error), "error")
        else:
            flash(gettext("Thank you: the moderators will look at this review."), "success")
    else:
        flash(gettext("Tell the moderators in a few words what is wrong with this review."), "error")
    return _profile_page(review)
