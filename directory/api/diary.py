"""The signed-in patient's diary as JSON and CSV: /api/v1/me/diary/... (session cookie; CSRF header on changes)."""

from functools import wraps

from flask import Response, current_app, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from pydantic import BaseModel, Field
from spectree import Response as SpecResponse

from directory.api import bp
from directory.api.problems import problem
from directory.api.spec import DOCUMENT_PATCHES, Problem, api_spec
from directory.extensions import csrf
from directory.models import Role
from directory.services.core.text import N_, Said, megabytes
from directory.services.diary import csv_io, entries, measures
from directory.services.diary.entries import DiaryError


class DiaryWindow(BaseModel):
    start: str = Field(description="First day of the 28-day window, YYYY-MM-DD.")
    end: str = Field(description="Last day of the window, YYYY-MM-DD (both ends included).")
    days_recorded: int = Field(description="Days of the window with an entry (late and imported ones included).")
    complete: bool = Field(description="At least 21 of the 28 days recorded; the monthly figures are null otherwise.")
    monthly_headache_days: float | None
    monthly_migraine_days: float | None
    monthly_moderate_or_worse_days: float | None
    monthly_acute_medication_days: float | None
    mean_pain: float | None = Field(description="Mean worst pain (0-10) over the window's headache days.")


class DiaryWindows(BaseModel):
    baseline: DiaryWindow | None = Field(description="Days -28 to -1 before the first session.")
    days_1_28: DiaryWindow | None
    days_29_56: DiaryWindow | None
    follow_up: DiaryWindow | None = Field(description="Days 57-84 (weeks 9-12).")


class DiaryChange(BaseModel):
    monthly_headache_days: float | None = Field(description="Follow-up minus baseline monthly headache days.")
    percent: float | None = Field(description="The change in per cent of the baseline.")


class DiarySummary(BaseModel):
    """The before / after summary the diary page shows, figures rounded to one decimal alike."""

    first_session: str | None = Field(description="Day 1, YYYY-MM-DD; null before any session.")
    windows: DiaryWindows
    change: DiaryChange
    responder_50: bool | None = Field(description="At least 50 % fewer monthly headache days at follow-up.")


class DiaryLineError(BaseModel):
    line: int = Field(description="Line number in the file; the header is line 1.")
    message: str


class DiaryImport(BaseModel):
    imported: int
    errors: list[DiaryLineError]


class DiaryImportProblem(BaseModel):
    """Nothing was imported: problem details with the errors by line."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    imported: int = 0
    errors: list[DiaryLineError] = []


def _patient_only(view):
    """401 problem signed out, 403 for roles other than patient; never a redirect to a login page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return problem(401, detail=N_("Sign in as a patient to use your diary."))
        if current_user.role != Role.PATIENT:
            return problem(403, detail=N_("Only patients keep a headache diary."))
        response = view(*args, **kwargs)
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapped


def _window(window: measures.Window | None) -> DiaryWindow | None:
    if window is None:
        return None
    return DiaryWindow(
        start=window.start.isoformat(),
        end=window.end.isoformat(),
        days_recorded=window.days_recorded,
        complete=window.complete,
        monthly_headache_days=measures.rounded(window.monthly_headache_days),
        monthly_migraine_days=measures.rounded(window.monthly_migraine_days),
        monthly_moderate_or_worse_days=measures.rounded(window.monthly_moderate_or_worse_days),
        monthly_acute_medication_days=measures.rounded(window.monthly_acute_medication_days),
        mean_pain=measures.rounded(window.mean_pain),
    )


def summary_document(summary: measures.Summary) -> DiarySummary:
    """The summary JSON, from the same measures and rounding as the page."""
    return DiarySummary(
        first_session=summary.first_session.isoformat() if summary.first_session else None,
        windows=DiaryWindows(**{name: _window(window) for name, window in summary.windows.items()}),
        change=DiaryChange(
            monthly_headache_days=measures.rounded(summary.headache_change.days),
            percent=measures.rounded(summary.headache_change.percent),
        ),
        responder_50=summary.responder_50,
    )


@bp.get("/me/diary/summary")
@api_spec.validate(resp=SpecResponse(HTTP_200=DiarySummary, HTTP_401=Problem, HTTP_403=Problem), tags=["diary"])
@_patient_only
def diary_summary():
    """The signed-in patient's before / after summary (late and imported entries counted, as on the page)."""
    document = summary_document(entries.read_diary(current_user.id).summary)
    return current_app.response_class(document.model_dump_json(), mimetype="application/json")


@bp.get("/me/diary/entries.csv")
@api_spec.validate(resp=SpecResponse(HTTP_401=Problem, HTTP_403=Problem), tags=["diary"])
@_patient_only
def export_diary_entries():
    """Every entry of the signed-in patient as CSV (text/csv), in the import format."""
    return Response(
        csv_io.export_csv(current_user.id),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="headache-diary.csv"'},
    )


@bp.put("/me/diary/entries")
@api_spec.validate(
    resp=SpecResponse(
        HTTP_200=DiaryImport,
        HTTP_400=DiaryImportProblem,
        HTTP_401=Problem,
        HTTP_403=Problem,
        HTTP_413=Problem,
        HTTP_415=Problem,
    ),
    tags=["diary"],
)
@_patient_only
def import_diary_entries():
    """Import a diary CSV (text/csv body): all rows, or none with every bad line listed (400)."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            csrf.protect()
        except CSRFError:
            return problem(400, detail=N_("Send the page's CSRF token in the X-CSRFToken header."))
    if request.mimetype != "text/csv":
        return problem(415, detail=N_("Send the diary as Content-Type: text/csv."))
    if (request.content_length or 0) > csv_io.MAX_BYTES:
        return problem(413, detail=Said(N_("The file is larger than %(size)s."), size=megabytes(csv_io.MAX_BYTES)))
    data = request.get_data(cache=False)
    try:
        result = csv_io.import_csv(current_user._get_current_object(), data)
    except DiaryError as error:
        status = 413 if len(data) > csv_io.MAX_BYTES else 400
        return problem(status, detail=str(error), imported=0, errors=[])
    errors = [{"line": e.line, "message": e.message} for e in result.errors]
    if errors:
        return problem(
            400,
            detail=N_("Nothing was imported: correct the lines listed and send the file again."),
            imported=0,
            errors=errors,
        )
    return current_app.response_class(
        DiaryImport(imported=result.imported, errors=[]).model_dump_json(), mimetype="application/json"
    )


def _document_csv_bodies(document: dict) -> None:
    """SpecTree documents JSON bodies only: say that these two carry CSV."""
    paths = document.get("paths", {})
    put = paths.get("/api/v1/me/diary/entries", {}).get("put")
    if put is not None:
        put["requestBody"] = {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string", "description": "The diary CSV format (docs/diary.md)."}}
            },
        }
        put.setdefault("parameters", []).append(
            {"name": "X-CSRFToken", "in": "header", "required": True, "schema": {"type": "string"}}
        )
    get = paths.get("/api/v1/me/diary/entries.csv", {}).get("get")
    if get is not None:
        get.setdefault("responses", {})["200"] = {
            "description": "Every entry, oldest first.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }


DOCUMENT_PATCHES.append(_document_csv_bodies)
