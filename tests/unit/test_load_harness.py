"""The load harness's own bookkeeping: forms read as a browser sends them, and how a phase is judged."""

from bench.load import analyse
from bench.load_users import Outcome, Recorder, find_form, with_values

PAGE = """
<form method="post" action="/auth/logout"><input type="hidden" name="csrf_token" value="other"></form>
<form method="post" class="form" novalidate>
  <input type="hidden" name="csrf_token" value="tok&amp;en">
  <input type="radio" name="mode" value="in_person"><input type="radio" name="mode" value="video" checked>
  <input type="checkbox" name="times" value="Mon"><input type="checkbox" name="times" value="Tue" checked>
  <select name="country"><option value="">Choose</option><option value="GB" selected>United Kingdom</option></select>
  <select name="currency"><option value="USD">US dollar</option><option value="EUR">Euro</option></select>
  <textarea name="bio">
Line one &lt;b&gt;</textarea>
  <input type="text" name="off" value="x" disabled>
  <input type="submit" name="go" value="Send">
</form>
"""

NO_DATA = {"lost_total": 0, "duplicates_total": 0, "acknowledged": {"consultation": 1, "review": 1, "profile_save": 1}}


def test_form_is_read_as_a_browser_submits_it():
    form = find_form(PAGE, "/consultations/new/ana")
    assert form["fields"] == [
        ("csrf_token", "tok&en"),
        ("mode", "video"),
        ("times", "Tue"),
        ("country", "GB"),
        ("currency", "USD"),
        ("bio", "Line one <b>"),
    ]
    assert form["choices"]["mode"] == ["in_person", "video"]


def test_values_replace_fields_and_lists_set_several():
    form = find_form(PAGE, "/anything")
    assert with_values(form, times=["Mon", "Tue"], bio="new")[-3:] == [
        ("times", "Mon"),
        ("times", "Tue"),
        ("bio", "new"),
    ]


def _phase(outcomes, fault, hello=(), name="outage"):
    recorder, hello_recorder = Recorder(), Recorder()
    recorder.outcomes = outcomes
    hello_recorder.outcomes = list(hello)
    return {
        "name": name,
        "started": 0.0,
        "seconds": 30.0,
        "recorder": recorder,
        "probe": Recorder(),
        "hello": hello_recorder,
        "fault": fault,
        "fault_expected": name != "steady",
    }


def test_outage_lasts_until_the_first_page_served_after_the_database_returns():
    outcomes = [
        Outcome("outage", "profile_page", 1.0, 1.1, 200),
        Outcome("outage", "profile_page", 11.0, 11.1, 503, proper_503=True),
        Outcome("outage", "search_page", 12.0, 12.1, 500),
        Outcome("outage", "profile_page", 21.0, 21.5, 503, proper_503=True),  # the database is back; the app not yet
        Outcome("outage", "profile_page", 22.0, 22.2, 200),
        Outcome("outage", "review", 25.0, 25.1, 500),
    ]
    result = analyse(_phase(outcomes, {"db_stopped_at": 10.0, "db_back_at": 20.0}), NO_DATA)
    assert result["outage"]["seconds_to_recover"] == 2.2
    assert result["outage"]["proper_503_during"] == 2
    assert result["outage"]["improper_5xx_during"] == 1
    assert result["5xx_outside_outage"] == 1
    assert result["targets"]["serving within 5 s of the database's return"]
    assert not result["targets"]["during the outage only the 503 page or problem document"]
    assert not result["targets"]["no 5xx outside the outage"]


def test_a_fault_that_did_not_happen_fails_the_phase():
    result = analyse(_phase([Outcome("outage", "home", 1.0, 1.1, 200)], {}), NO_DATA)
    assert result["targets"]["the fault was injected and measured (see the output above)"] is False


def test_a_phase_without_writes_fails():
    result = analyse(_phase([Outcome("outage", "home", 1.0, 1.1, 200)], {}), {**NO_DATA, "acknowledged": {"review": 2}})
    assert result["write_kinds_never_acknowledged"] == ["consultation", "profile_save"]


P95_TARGET = "each page's p95 at most 10 x the hello-world's p95 under the same load"


def _steady(page_ms: dict[str, list[float]], hello_ms: list[float]):
    outcomes = [
        Outcome("steady", action, 1.0, 1.0 + ms / 1000, 200) for action, samples in page_ms.items() for ms in samples
    ]
    hello = [Outcome("steady", "hello", 1.0, 1.0 + ms / 1000, 200) for ms in hello_ms]
    return analyse(_phase(outcomes, {}, hello, name="steady"), NO_DATA)


def test_each_page_s_p95_is_compared_with_the_hello_world_s_under_the_same_load():
    result = _steady({"home": [10.0] * 20, "search_page": [50.0] * 20, "consultation": [900.0] * 20}, [5.0] * 20)
    assert result["hello_p95_ms"] == 5.0
    # Writes time a form page and its post: they are not pages.
    assert result["p95_over_hello"] == {"home": 2.0, "search_page": 10.0}
    assert result["targets"][P95_TARGET] is True


def test_one_page_slower_than_ten_hello_worlds_fails_the_target():
    # One slow answer in twenty is past the p95; three are not.
    result = _steady({"home": [10.0] * 20, "profile_page": [10.0] * 17 + [30.0] * 3}, [2.0] * 20)
    assert result["p95_over_hello"] == {"home": 5.0, "profile_page": 15.0}
    assert result["targets"][P95_TARGET] is False


def test_a_fault_phase_is_not_judged_against_the_hello_world():
    result = analyse(
        _phase([Outcome("outage", "home", 1.0, 1.1, 200)], {}, [Outcome("outage", "hello", 1.0, 1.01, 200)]), NO_DATA
    )
    assert P95_TARGET not in result["targets"]
