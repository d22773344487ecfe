"""The database itself keeps a patient to one open request per practitioner."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import ConsultationRequest, Role
from tests import factories


@pytest.fixture
def pair(app):
    with app.app_context():
        yield factories.make_user(Role.PATIENT).id, factories.make_profile().id


def add(patient_id, profile_id, status="requested"):
    db.session.add(ConsultationRequest(patient_id=patient_id, profile_id=profile_id, mode="in_person", status=status))
    db.session.commit()


@pytest.mark.parametrize(
    ("first", "second"), [("requested", "requested"), ("accepted", "requested"), ("requested", "accepted")]
)
def test_a_second_open_request_is_refused_by_the_database(pair, first, second):
    add(*pair, status=first)
    with pytest.raises(IntegrityError):
        add(*pair, status=second)
    db.session.rollback()


@pytest.mark.parametrize("closed", ["declined", "completed", "cancelled"])
def test_closed_requests_do_not_count(pair, closed):
    add(*pair, status=closed)
    add(*pair, status=closed)
    add(*pair)
    assert db.session.scalar(select(func.count()).select_from(ConsultationRequest)) == 3
