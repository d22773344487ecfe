"""Property: for any cohort, no page or API answer shows a count of consenting patients from 1 to 10, nor lets one be
found by subtracting two counts it shows."""

import re
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from directory.extensions import db
from directory.models import OutcomeSummary
from directory.services.outcomes import disclosure
from tests import factories

COUNT = re.compile(r'<span data-count="(\w+)">([^<]*)</span>')


def small(n: int) -> bool:
    return 1 <= n <= 10


@st.composite
def cohorts(draw):
    evaluable = draw(st.integers(0, 80))
    recording = draw(st.integers(0, 30))
    stopped = draw(st.integers(0, 30))
    responders = draw(st.integers(0, evaluable))
    return evaluable, recording, stopped, responders


def _store(profile_id: int, evaluable: int, recording: int, stopped: int, responders: int) -> None:
    db.session.execute(delete(OutcomeSummary))
    shown = disclosure.may_show_figures(evaluable)
    figures = (
        {
            "median_change": -2.1,
            "median_change_low": -3.4,
            "median_change_high": -1.0,
            "responder_share": 0.41,
            "responder_share_low": 0.3,
            "responder_share_high": 0.52,
            "expected_change": -1.9,
            "expected_share": 0.38,
            "label": "as_expected",
            "ranking_part": 0.56,
        }
        if shown
        else {}
    )
    db.session.add(
        OutcomeSummary(
            profile_id=profile_id,
            started=evaluable + recording + stopped,
            evaluable=evaluable,
            recording=recording,
            stopped=stopped,
            responders=responders if shown else None,
            refreshed_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
            **figures,
        )
    )
    db.session.commit()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cohort=cohorts())
def test_no_response_shows_or_lets_one_derive_a_count_from_1_to_10(app, client, cohort):
    evaluable, recording, stopped, responders = cohort
    with app.app_context():
        if not db.session.get(factories.TherapistProfile, 1):
            factories.make_profile(verified=True, slug="counted")
        profile_id = 1
        _store(profile_id, evaluable, recording, stopped, responders)
    page = client.get("/practitioners/counted").get_data(as_text=True)
    body = client.get(f"/api/v1/practitioners/{profile_id}").get_json()["outcomes"]
    started = evaluable + recording + stopped
    if not disclosure.may_show_figures(evaluable):
        assert 'id="outcomes"' not in page and body is None
        return
    shown: dict[str, str] = {}
    for name, text in COUNT.findall(page):
        assert shown.setdefault(name, text) == text  # a count says the same wherever it appears
    numbers = {name: int(text) for name, text in shown.items() if text.isdigit()}
    assert numbers["evaluable"] == evaluable
    assert not any(small(n) for n in numbers.values()), shown
    truth = {
        "started": started,
        "not_evaluable": started - evaluable,
        "recording": recording,
        "stopped": stopped,
        "responders_words": responders,
    }
    for name, value in numbers.items():
        assert value == {"evaluable": evaluable, **truth}[name]
    # Nested counts shown never leave 1 to 10 between them.
    if "started" in numbers:
        assert not small(started - evaluable)
        for part in ("recording", "stopped"):
            if part in numbers:
                assert not small(started - evaluable - numbers[part])
    if "responders_words" in numbers:
        assert not small(evaluable - responders)
    else:
        assert small(responders) or small(evaluable - responders)
    # The API: evaluable and started, the same rule.
    api_counts = [body["evaluable"]] + ([body["started"]] if body["started"] is not None else [])
    assert not any(small(n) for n in api_counts)
    if body["started"] is not None:
        assert not small(body["started"] - body["evaluable"])
