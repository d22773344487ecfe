"""The simulated users of the load harness: browser-like sessions, real forms, and a write ledger.

Each user is one thread with its own cookie jar. Forms are fetched, parsed as a browser would
submit them (CSRF token included) and posted. Every write the server acknowledges is written
in the ledger with the keys it created, so that the database can be checked afterwards.
"""

import random
import re
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import requests

PASSWORD = "calm-needles-2026"
TIMEOUT_SECONDS = 15
UNAVAILABLE_HEADING = "We are briefly unavailable"
# Places the offline gazetteer knows (ZIP codes), and points for the API and the search page.
SEARCH_ZIPS = ("10001", "60601", "94103", "02108", "98101", "30303", "77002", "80202")
POINTS = (
    (40.7549, -73.984),
    (41.8781, -87.6298),
    (34.0522, -118.2437),
    (51.5074, -0.1278),
    (43.6532, -79.3832),
    (40.4168, -3.7038),
)
PATIENT_ACTIONS = {
    "search_page": 22,
    "api_search": 16,
    "api_detail": 6,
    "profile_page": 22,
    "home": 4,
    "login": 4,
    "consultation": 14,
    "review": 12,
}
THERAPIST_ACTIONS = {"search_page": 14, "api_search": 14, "profile_page": 18, "home": 4, "login": 4, "profile_save": 46}
LOAD_MARKER = re.compile(r" \[load [0-9a-f]+\]$")


class FormParser(HTMLParser):
    """The forms of a page with the values a browser would submit (checked boxes, selected options)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": [], "choices": defaultdict(list)}
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                self._form["choices"][name].append(a.get("value", "on"))
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "file", "reset"):
                self._form["fields"].append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "first": None, "selected": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"].append(value)
        elif tag == "textarea" and name:
            self._textarea = (name, [])

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = self._select["selected"] or (
                [] if self._select["multiple"] or self._select["first"] is None else [self._select["first"]]
            )
            self._form["fields"].extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            # HTML drops one newline right after <textarea>; WTForms writes one there.
            self._form["fields"].append((name, re.sub(r"^\r?\n", "", "".join(parts))))
            self._textarea = None
        elif tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)


def find_form(html: str, action_ends_with: str) -> dict | None:
    """The page's form posting to a path ending so (an empty action posts back to the page itself), or None."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if not form["action"] or urlsplit(form["action"]).path.endswith(action_ends_with):
            return form
    return None


def with_values(form: dict, **values) -> list[tuple[str, str]]:
    """The form's fields with some replaced (a list value sets a multi-valued field)."""
    fields = [(name, value) for name, value in form["fields"] if name not in values]
    for name, value in values.items():
        fields += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return fields


@dataclass
class Outcome:
    """One HTTP exchange as the client saw it."""

    phase: str
    action: str
    started: float
    ended: float
    status: int | str  # an HTTP status, or "connection error" / "timeout"
    proper_503: bool = False  # the 503 page or a 503 problem document

    @property
    def is_5xx(self) -> bool:
        return isinstance(self.status, int) and self.status >= 500


@dataclass
class Write:
    """A write the client attempted; acknowledged when the server answered it with its success redirect."""

    kind: str  # consultation, review, profile_save
    key: tuple
    marker: str
    phase: str
    started: float
    acknowledged: bool
    unknown: bool  # no answer (connection error, timeout): it may or may not have happened
    status: int | None = None


@dataclass
class Persona:
    """A demo account a simulated user logs in as, with the practitioners it will write to."""

    email: str
    user_id: int
    role: str  # patient or therapist
    profile_id: int | None = None
    consult_targets: list = field(default_factory=list)  # (profile_id, slug) with no open request yet
    review_targets: list = field(default_factory=list)  # (profile_id, slug) seen, not yet reviewed
    session: requests.Session | None = None
    logged_in: bool = False


class Recorder:
    """Outcomes and writes of every simulated user (list.append is atomic under the GIL)."""

    def __init__(self):
        self.outcomes: list[Outcome] = []
        self.writes: list[Write] = []
        self.double_sends = 0


def unsecure_cookies(session: requests.Session) -> None:
    """Production cookies are Secure; the harness speaks plain HTTP to 127.0.0.1 only, so it sends them anyway."""
    for cookie in session.cookies:
        cookie.secure = False


def new_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = "needle-and-nerve-load-harness"
    return session


class Site:
    """The running site as the users see it: each call times one request and records its outcome."""

    def __init__(self, base_url: str, recorder: Recorder, browse: list[tuple[int, str]], phase: str = ""):
        self.base_url = base_url
        self.recorder = recorder
        self.browse = browse
        self.phase = phase

    def call(self, session: requests.Session, method: str, path: str, action: str, **kwargs):
        """The response, or None when there was none; the outcome is recorded either way."""
        started = time.monotonic()
        try:
            response = session.request(
                method, self.base_url + path, timeout=TIMEOUT_SECONDS, allow_redirects=False, **kwargs
            )
        except requests.Timeout:
            self.recorder.outcomes.append(Outcome(self.phase, action, started, time.monotonic(), "timeout"))
            return None
        except requests.RequestException:
            self.recorder.outcomes.append(Outcome(self.phase, action, started, time.monotonic(), "connection error"))
            return None
        ended = time.monotonic()
        unsecure_cookies(session)
        proper = False
        if response.status_code == 503:
            if response.headers.get("Content-Type", "").startswith("application/problem+json"):
                try:
                    proper = response.json().get("status") == 503
                except ValueError:
                    proper = False
            else:
                proper = UNAVAILABLE_HEADING in response.text
        self.recorder.outcomes.append(Outcome(self.phase, action, started, ended, response.status_code, proper))
        return response


class SimulatedUser:
    """One person using the site: logs in, browses and writes, with a pause between actions."""

    def __init__(self, persona: Persona, site: Site, rng: random.Random, think_seconds: float, double_share: float):
        self.persona = persona
        self.site = site
        self.rng = rng
        self.think_seconds = think_seconds
        self.double_share = double_share
        weights = PATIENT_ACTIONS if persona.role == "patient" else THERAPIST_ACTIONS
        self.actions, self.weights = list(weights), list(weights.values())
        if persona.session is None:
            persona.session = new_session()

    def run(self, stop: threading.Event) -> None:
        """Act until told to stop; the request in flight is finished first."""
        # Users do not all start on the same millisecond.
        stop.wait(self.rng.random() * self.think_seconds)
        while not stop.is_set():
            if not self.persona.logged_in:
                self.login()
            else:
                getattr(self, self.rng.choices(self.actions, self.weights)[0])()
            stop.wait(self.rng.expovariate(1 / self.think_seconds) if self.think_seconds else 0)

    # Browsing -----------------------------------------------------------------------------

    def home(self):
        self.site.call(self.persona.session, "GET", "/", "home")

    def search_page(self):
        if self.rng.random() < 0.5:
            params = {"q": self.rng.choice(SEARCH_ZIPS), "radius": 25}
        else:
            lat, lon = self.rng.choice(POINTS)
            params = {"q": "near a point", "lat": lat, "lon": lon, "radius": 50, "headache": "migraine"}
        self.site.call(self.persona.session, "GET", "/search", "search_page", params=params)

    def api_search(self):
        lat, lon = self.rng.choice(POINTS)
        params = {"near": f"{lat}|{lon}|50|km", "per_page": 20}
        if self.rng.random() < 0.5:
            params["headache_type"] = "migraine"
        self.site.call(self.persona.session, "GET", "/api/v1/practitioners", "api_search", params=params)

    def api_detail(self):
        profile_id, _ = self.rng.choice(self.site.browse)
        self.site.call(self.persona.session, "GET", f"/api/v1/practitioners/{profile_id}", "api_detail")

    def profile_page(self):
        _, slug = self.rng.choice(self.site.browse)
        self.site.call(self.persona.session, "GET", f"/practitioners/{slug}", "profile_page")

    # Accounts -----------------------------------------------------------------------------

    def login(self):
        """Log in afresh, as from a new browser."""
        session = self.persona.session
        session.cookies.clear()
        self.persona.logged_in = False
        page = self.site.call(session, "GET", "/auth/login", "login")
        form = find_form(page.text, "/auth/login") if page is not None and page.status_code == 200 else None
        if form is None:
            return
        answer = self.site.call(
            session, "POST", "/auth/login", "login", data=with_values(form, email=self.persona.email, password=PASSWORD)
        )
        self.persona.logged_in = answer is not None and answer.status_code in (302, 303)

    def _form_page(self, path: str, action: str):
        """The form of a page posting back to itself, or None (a redirect to the login page logs in next time)."""
        page = self.site.call(self.persona.session, "GET", path, action)
        if page is None or page.status_code != 200:
            if page is not None and "/auth/login" in page.headers.get("Location", ""):
                self.persona.logged_in = False
            return None
        return find_form(page.text, path)

    # Writes -------------------------------------------------------------------------------

    def _ledger(self, kind, key, marker, started, answer, success_path: str) -> None:
        acknowledged = (
            answer is not None
            and answer.status_code in (302, 303)
            and success_path in answer.headers.get("Location", "")
        )
        status = answer.status_code if answer is not None else None
        self.site.recorder.writes.append(
            Write(kind, key, marker, self.site.phase, started, acknowledged, answer is None, status)
        )

    def consultation(self):
        """Ask a practitioner for a first consultation; half the time the form goes twice at the same instant."""
        if not self.persona.consult_targets:
            return self.profile_page()
        profile_id, slug = self.persona.consult_targets.pop()
        path = f"/consultations/new/{slug}"
        form = self._form_page(path, "consultation")
        if form is None:
            self.persona.consult_targets.append((profile_id, slug))  # try again later
            return
        marker = secrets.token_hex(6)
        values = {
            "mode": form["choices"]["mode"][:1],
            "message": f"Headaches most days for months; an assessment please. [load {marker}]",
        }
        if form["choices"].get("preferred_times"):
            values["preferred_times"] = form["choices"]["preferred_times"][:1]
        data = with_values(form, **values)
        key = (self.persona.user_id, profile_id)
        if self.rng.random() >= self.double_share:
            started = time.monotonic()
            answer = self.site.call(self.persona.session, "POST", path, "consultation", data=data)
            self._ledger("consultation", key, marker, started, answer, "/consultations/")
            return
        # A double click: two connections with the same cookies, released together.
        twin = new_session()
        twin.cookies.update(self.persona.session.cookies)
        barrier = threading.Barrier(2)
        answers = {}

        def send(session, slot):
            barrier.wait()
            answers[slot] = (time.monotonic(), self.site.call(session, "POST", path, "consultation", data=data))

        other = threading.Thread(target=send, args=(twin, "twin"))
        other.start()
        send(self.persona.session, "self")
        other.join()
        twin.close()
        self.site.recorder.double_sends += 1
        for started, answer in answers.values():
            self._ledger("consultation", key, marker, started, answer, "/consultations/")

    def review(self):
        """Review a practitioner the patient was seen by."""
        if not self.persona.review_targets:
            return self.profile_page()
        profile_id, slug = self.persona.review_targets.pop()
        path = f"/reviews/new/{slug}"
        form = self._form_page(path, "review")
        if form is None:
            self.persona.review_targets.append((profile_id, slug))
            return
        marker = secrets.token_hex(6)
        data = with_values(
            form,
            rating=str(self.rng.randint(1, 5)),
            text=f"Careful assessment and clear advice; my headaches eased. [load {marker}]",
        )
        started = time.monotonic()
        answer = self.site.call(self.persona.session, "POST", path, "review", data=data)
        self._ledger("review", (self.persona.user_id, profile_id), marker, started, answer, "/practitioners/")

    def profile_save(self):
        """Save the therapist's own profile with a new sentence at the end of the bio."""
        form = self._form_page("/therapist/profile", "profile_save")
        if form is None:
            return
        marker = secrets.token_hex(6)
        bio = LOAD_MARKER.sub("", dict(form["fields"]).get("bio", ""))
        data = with_values(form, bio=f"{bio} [load {marker}]")
        started = time.monotonic()
        answer = self.site.call(self.persona.session, "POST", "/therapist/profile", "profile_save", data=data)
        self._ledger("profile_save", (self.persona.profile_id,), marker, started, answer, "/therapist/profile")


def probe(site: Site, path: str, stop: threading.Event, action: str = "probe", interval: float = 0.1) -> None:
    """One page every `interval` seconds: a public profile shows the moment the site serves again, the
    hello-world the floor of any page's latency under the same load."""
    session = new_session()
    while not stop.is_set():
        site.call(session, "GET", path, action)
        stop.wait(interval)
