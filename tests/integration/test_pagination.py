"""Every paginated page reads ?page= through one bounded helper: a huge or negative page is a 404, never a 500."""

import pytest

from directory.extensions import db
from directory.models import User
from tests import factories

HUGE = "461168601842738792"

# (path, role, whether the role needs a practice profile for the list to show)
PAGINATED = [
    ("/consultations/", "patient", False),
    ("/consultations/inbox", "therapist", True),
    ("/reviews/mine", "therapist", True),
    ("/admin/users", "admin", False),
    ("/admin/audit", "admin", False),
    ("/admin/certifications", "admin", False),
    ("/admin/reviews", "admin", False),
    ("/admin/outbox", "admin", False),
]


def _log_in(app, auth, role: str, needs_profile: bool) -> None:
    user_id = auth.login(role=role)
    if needs_profile:
        with app.app_context():
            factories.make_profile(user=db.session.get(User, user_id))


@pytest.mark.parametrize(("path", "role", "needs_profile"), PAGINATED)
@pytest.mark.parametrize("page", [HUGE, str(2**31), "-3", "0"])
def test_page_number_out_of_bounds_is_not_found(app, client, auth, path, role, needs_profile, page):
    _log_in(app, auth, role, needs_profile)
    response = client.get(f"{path}?page={page}")
    assert response.status_code == 404


@pytest.mark.parametrize(("path", "role", "needs_profile"), PAGINATED)
def test_first_page_and_unreadable_page_numbers_still_show_the_list(app, client, auth, path, role, needs_profile):
    _log_in(app, auth, role, needs_profile)
    assert client.get(path).status_code == 200
    assert client.get(f"{path}?page=1").status_code == 200
    assert client.get(f"{path}?page=first").status_code == 200
