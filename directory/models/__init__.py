"""The data model, one module per aggregate."""

from directory.models.audit import AuditEvent
from directory.models.certification import Certification, CertificationStatus, StoredFile
from directory.models.consultation import (
    VISIBLE_REVIEW_STATUSES,
    ConsultationRequest,
    ConsultationStatus,
    Review,
    ReviewFlag,
    ReviewStatus,
)
from directory.models.diary import DiaryEntry, DiaryMedicine, DiaryReminder, DiaryShare, TreatmentSession
from directory.models.listing import SearchListing
from directory.models.outcomes import OutcomeConsent, OutcomeResult, OutcomeStratum, OutcomeSummary
from directory.models.place import GeocodeCache, Place
from directory.models.practitioner import (
    AccessibilityFeature,
    AvailabilitySlot,
    ConsultationMode,
    HeadacheType,
    Language,
    TherapistProfile,
    profile_accessibility,
    profile_consultation_mode,
    profile_headache_type,
    profile_language,
)
from directory.models.questionnaire import QuestionnaireResponse
from directory.models.shortlist import SavedPractitioner
from directory.models.types import utcnow
from directory.models.user import Notice, OutboxMessage, Role, User

__all__ = [
    "VISIBLE_REVIEW_STATUSES",
    "AccessibilityFeature",
    "AuditEvent",
    "AvailabilitySlot",
    "Certification",
    "CertificationStatus",
    "ConsultationMode",
    "ConsultationRequest",
    "ConsultationStatus",
    "DiaryEntry",
    "DiaryMedicine",
    "DiaryReminder",
    "DiaryShare",
    "GeocodeCache",
    "HeadacheType",
    "Language",
    "Notice",
    "OutboxMessage",
    "OutcomeConsent",
    "OutcomeResult",
    "OutcomeStratum",
    "OutcomeSummary",
    "Place",
    "QuestionnaireResponse",
    "Review",
    "ReviewFlag",
    "ReviewStatus",
    "Role",
    "SavedPractitioner",
    "SearchListing",
    "StoredFile",
    "TherapistProfile",
    "TreatmentSession",
    "User",
    "profile_accessibility",
    "profile_consultation_mode",
    "profile_headache_type",
    "profile_language",
    "utcnow",
]
