from datetime import date

from flask import abort, current_app, g, render_template, request, session
from flask_login import current_user
from markupsafe import Markup

from directory import fragments
from directory.practitioners import bp
from directory.practitioners.forms import SearchForm
from directory.redirects import safe_next
from directory.reviews.forms import FlagForm
from directory.services.community import reviews as review_service
from directory.services.community import shortlist
from directory.services.core.text import translated
from directory.services.geo import geocoding, places
from directory.services.geo.points import (
    UNIT_SESSION_KEY,
    Point,
    km_to_miles,
    miles_to_km,
    precise_distance_km,
    usual_unit,
)
from directory.services.outcomes import public as outcomes
from directory.services.search import nearby, openings, profile_page, ratings


def _filters(form: SearchForm) -> nearby.SearchFilters:
    return nearby.SearchFilters(
        headache_types=tuple(form.headache.data or ()),
        verified_only=form.show.data != "all",
        modes=tuple(form.mode.data or ()),
        languages=(form.language.data,) if form.language.data else (),
        accepting_new_patients=bool(form.accepting.data),
        availability=tuple(form.availability.data or ()),
        max_fee=form.max_fee.data,
        insurance=(form.insurance.data or "").strip() or None,
        accessibility=tuple(form.access.data or ()),
        gender=form.gender.data or None,
    )


def _query_args(**changes) -> dict:
    """The current query string as url_for arguments, with some values changed."""
    args = request.args.to_dict(flat=False)
    args.update({key: value for key, value in changes.items() if value is not None})
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
    return args


# The fields drawn by practitioners/_search_filters.html: hundreds of options, the same for most searches.
FILTER_CONTROLS = SearchForm.PANEL_FIELDS


def filter_controls(form: SearchForm) -> Markup:
    """The form's options and filters as HTML, rendered once per set of choices and language (directory.fragments)."""
    key = tuple(fragments.field_key(form[name]) for name in FILTER_CONTROLS)
    return fragments.cached(
        "search_filters", key, lambda: render_template("practitioners/_search_filters.html", form=form)
    )


def _distance_unit(form: SearchForm, country: str | None) -> str:
    """The unit the visitor chose (remembered for the next search and the questionnaire), else the one chosen
    before, else the usual one in the searched place's country.

    The form sends the unit it showed as unit_shown: a unit sent unchanged was the page's suggestion, not a
    choice, so a search from Madrid after one from Boulder is in km again.
    """
    sent = request.args.get("unit")
    if sent and form.unit.data in ("km", "mi") and sent != request.args.get("unit_shown"):
        if session.get(UNIT_SESSION_KEY) != form.unit.data:
            session[UNIT_SESSION_KEY] = form.unit.data
        return form.unit.data
    chosen = session.get(UNIT_SESSION_KEY)
    return chosen if chosen in ("km", "mi") else usual_unit(country)


def _default_radius(unit: str) -> int:
    """The default distance in this unit: 25 km reads as 15 miles, a round number in either."""
    default_km = current_app.config["SEARCH_DEFAULT_RADIUS_KM"]
    return default_km if unit == "km" else max(5, round(km_to_miles(default_km) / 5) * 5)


def _render_search(form: SearchForm, status: int = 200, **context):
    return render_template(
        "practitioners/search.html", form=form, filter_controls=filter_controls(form), **context
    ), status


@bp.route("/search")
def search_page():
    """Search practitioners near a place, as a list and on a map."""
    form = SearchForm(request.args)
    if not request.args:
        empty = SearchForm(formdata=None)
        empty.unit.data = _distance_unit(empty, None)
        empty.radius.data = _default_radius(empty.unit.data)
        return _render_search(empty, page=None)
    if not form.validate():
        return _render_search(form, 400, page=None)
    # Blank text counts as none given, so the page asks for a place in its own words.
    place = places.resolve_place((form.q.data or "").strip(), form.lat.data, form.lon.data, label=form.q.data)
    if place.location is None:
        if not place.candidates:
            form.q.errors.append(translated(place.problem))
        status = 200 if place.candidates else 400
        suggestion = geocoding.suggest_spelling(form.q.data) if place.status is places.PlaceStatus.NOT_FOUND else None
        return _render_search(
            form, status, page=None, candidates=place.candidates, suggestion=suggestion, query_args=_query_args
        )
    # The footer's disclaimer names the emergency number of the searched place's country.
    g.emergency_country = place.country
    form.unit.data = _distance_unit(form, place.country)
    if form.radius.data is None or "radius" not in request.args:
        form.radius.data = _default_radius(form.unit.data)
    radius_km = miles_to_km(form.radius.data) if form.unit.data == "mi" else float(form.radius.data)
    page = nearby.nearby_practitioners(
        place.location.point,
        radius_km,
        _filters(form),
        sort=form.sort.data,
        page=form.page.data or 1,
        per_page=current_app.config["SEARCH_PAGE_SIZE"],
    )
    return _render_search(
        form,
        page=page,
        place_label=place.location.label,
        place_point=place.location.point,
        next_openings={
            hit.profile.id: hint
            for hit in page.hits
            if (hint := openings.next_opening_at(hit.openings, hit.profile.latitude, hit.profile.longitude))
        },
        unit=form.unit.data,
        query_args=_query_args,
        # With the language prefix (/es), so that the way back stays in the page's language.
        back=request.script_root + request.full_path,
    )


REVIEWS_SHOWN = 20


@bp.route("/practitioners/<slug>")
def show(slug: str):
    """A practitioner's public profile."""
    found = profile_page.profile_page(slug)
    if found is None:
        abort(404)
    profile = found.profile
    # One more than is shown: when they all fit, the rating distribution needs no query of its own.
    loaded = review_service.latest_visible_reviews(profile, REVIEWS_SHOWN + 1)
    shown = loaded[:REVIEWS_SHOWN]
    rating = ratings.summary(profile, [review.rating for review in loaded] if len(loaded) <= REVIEWS_SHOWN else None)
    back = request.args.get("back")
    viewer_id = current_user.id if current_user.is_authenticated else None
    distance_km = None
    try:
        origin = Point(float(request.args["lat"]), float(request.args["lon"]))
        if profile.latitude is not None and profile.longitude is not None:
            distance_km = precise_distance_km(origin, Point(profile.latitude, profile.longitude))
    except (KeyError, ValueError, TypeError):
        pass
    return render_template(
        "practitioners/show.html",
        profile=profile,
        practice=found.practice,
        verified=profile.verified_on(date.today()),
        rating=rating,
        outcomes=outcomes.from_summary(found.outcome_summary),
        reviews=shown,
        # One's own review offers "Edit" (while it may be edited), never "Report this review".
        own_reviews={review.id: review_service.editable(review) for review in shown if review.author_id == viewer_id},
        flag_forms={
            review.id: FlagForm(prefix=f"flag-{review.id}") for review in shown if review.author_id != viewer_id
        }
        if current_user.is_authenticated
        else {},
        can_review=current_user.is_authenticated
        and current_user.is_patient
        and review_service.can_review(current_user, profile),
        back=safe_next(back, "practitioners.search_page") if back else None,
        distance_km=distance_km,
        unit=request.args.get("unit") or session.get(UNIT_SESSION_KEY) or usual_unit(profile.country),
        saved=current_user.is_authenticated
        and current_user.is_patient
        and shortlist.is_saved(current_user, profile.id),
    )
