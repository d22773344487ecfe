"""What the therapist dashboard shows: the state of the profile and its certifications, and what to do next."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from directory.extensions import db
from directory.models import (
    Certification,
    CertificationStatus,
    Notice,
    TherapistProfile,
    User,
)
from directory.models.certification import EXPIRY_WARNING_DAYS
from directory.services.core.text import day_label, gettext, join_words
from directory.services.practice.publishing import Completeness, completeness, missing_for_publishing

NOTICES_SHOWN = 10


@dataclass(frozen=True)
class Step:
    """One thing the therapist should do next: `action` names the page it leads to."""

    action: str
    text: str
    certification_id: int | None = None


@dataclass(frozen=True)
class Overview:
    """What the therapist dashboard shows."""

    profile: TherapistProfile | None
    completeness: Completeness
    verified: bool
    verification: str  # "verified", "pending" or "none"
    publish_missing: tuple[str, ...]
    certifications: list[Certification]
    steps: tuple[Step, ...]
    notices: list[Notice] = field(default_factory=list)


def verification_state(profile: TherapistProfile | None, today: date | None = None) -> str:
    """ "verified" while a verified certification is unexpired, "pending" while one awaits review, else "none"."""
    if profile is None:
        return "none"
    if profile.verified_on(today or date.today()):
        return "verified"
    if any(cert.status == CertificationStatus.PENDING for cert in profile.certifications):
        return "pending"
    return "none"


def overview(user: User, today: date | None = None) -> Overview:
    """Everything the therapist dashboard shows: state, completeness, next steps and notices."""
    today = today or date.today()
    profile = user.profile
    certifications = sorted(profile.certifications, key=lambda c: c.id) if profile else []
    notices = db.session.scalars(
        select(Notice)
        .where(Notice.user_id == user.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(NOTICES_SHOWN)
    ).all()
    return Overview(
        profile=profile,
        completeness=completeness(profile),
        verified=profile.verified_on(today) if profile else False,
        verification=verification_state(profile, today),
        publish_missing=tuple(missing_for_publishing(user)),
        certifications=certifications,
        steps=next_steps(user, today),
        notices=list(notices),
    )


def next_steps(user: User, today: date) -> tuple[Step, ...]:
    """What the therapist should do next, most urgent first."""
    profile = user.profile
    steps: list[Step] = []
    if not user.email_confirmed:
        steps.append(
            Step(
                "confirm_email",
                gettext("Confirm your email address: open the link we sent to %(email)s.", email=user.email),
            )
        )
    if profile is None:
        steps.append(
            Step("edit_profile", gettext("Fill in your profile: your practice, where it is and what you treat."))
        )
        return tuple(steps)
    required = completeness(profile).missing_required
    if required:
        steps.append(Step("edit_profile", gettext("Add %(missing)s to your profile.", missing=join_words(required))))
    for cert in sorted(profile.certifications, key=lambda c: c.id):
        name = cert.issuer_name
        if cert.status == CertificationStatus.PENDING and cert.info_requested:
            steps.append(
                Step(
                    "answer_request", gettext("Our team asked for more information about %(name)s.", name=name), cert.id
                )
            )
        elif cert.status == CertificationStatus.REJECTED:
            steps.append(
                Step(
                    "edit_certification",
                    gettext("%(name)s was not accepted: correct it or upload clearer evidence.", name=name),
                    cert.id,
                )
            )
        elif cert.lapsed_on(today):
            steps.append(
                Step(
                    "edit_certification",
                    gettext("%(name)s has expired: add the renewed certificate.", name=name),
                    cert.id,
                )
            )
        # Unlike the status badge (verified ones only), this also warns about a pending certification.
        elif cert.expires_on and cert.expires_within(today, EXPIRY_WARNING_DAYS):
            steps.append(
                Step(
                    "edit_certification",
                    gettext(
                        "%(name)s expires on %(day)s: add the renewed certificate.",
                        name=name,
                        day=day_label(cert.expires_on),
                    ),
                    cert.id,
                )
            )
    if not profile.certifications:
        steps.append(
            Step(
                "add_certification",
                gettext("Add your dry-needling certification with its evidence, so that our team can verify it."),
            )
        )
    if not profile.published and not missing_for_publishing(user):
        steps.append(Step("publish", gettext("Publish your profile so that patients can find you.")))
    return tuple(steps)
