"""API input and output schemas for dossiers (kept apart from the tables)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.networks import validate_email

from motcua.calendars.services import FIRST_YEAR, LAST_YEAR

from .choices import RepresentativeRelationship

_PHONE = r"^[0-9+ ().-]{0,20}$"
MAX_ID = 2**63 - 1  # database keys are 64-bit: a larger number names no row (and overflows SQLite)
MAX_AMOUNT = 10**15  # VND; fees_due / fees_paid are 64-bit columns, totals are checked under the row lock
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def reject_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL characters: refuse them as invalid input."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if isinstance(value, list) and any(isinstance(x, str) and "\x00" in x for x in value):
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(reject_nul)]  # for query and path parameters

# The working calendar covers FIRST_YEAR..LAST_YEAR: dates and instants outside it are refused (422).
# JSON Schema has no range for dates, so the document states it as a pattern on the year.
_YEARS = "|".join(str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1))
IN_CALENDAR: dict[str, Any] = {"pattern": f"^({_YEARS})-",
                               "description": f"Within the working calendar ({FIRST_YEAR}-{LAST_YEAR})"}


def _in_calendar(value: Any) -> Any:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be within {FIRST_YEAR}-{LAST_YEAR}")
    return value


CalendarDate = Annotated[date, AfterValidator(_in_calendar), Field(json_schema_extra=IN_CALENDAR)]
# a query instant: naive means local time; the view converts it (and checks the local year) with _instant
CalendarInstant = Annotated[datetime, Field(json_schema_extra=IN_CALENDAR)]


class InputSchema(Schema):
    """Base of request bodies: a JSON object (ninja would otherwise read a list, a string or a number
    as an object without attributes, i.e. all defaults), with no NUL characters in any text field."""

    @model_validator(mode="before")
    @classmethod
    def _object(cls, value: Any) -> Any:
        if not isinstance(getattr(value, "_obj", value), dict):  # ninja wraps the input in a DjangoGetter
            raise ValueError("must be a JSON object")
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, v: Any) -> Any:
        return reject_nul(v)


class ApplicantIn(InputSchema):
    name: str = Field(min_length=1, max_length=255)
    type: Literal[0, 1, 2] = 0
    id_number: str = Field("", max_length=20, pattern=r"^[0-9A-Za-z-]*$")
    phone: str = Field("", max_length=20, pattern=_PHONE)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)

    @field_validator("email")
    @classmethod
    def valid_email(cls, v: str) -> str:
        # not ``EmailStr | Literal[""]``: a union reports its errors under member names, not "email"
        return validate_email(v)[1] if v else v


class ComponentIn(InputSchema):
    component_id: Id | None = None
    name: str = Field("", max_length=1000)
    originals: int = Field(0, ge=0, le=99)
    copies: int = Field(0, ge=0, le=99)


class IntakeIn(InputSchema):
    procedure_code: str = Field(min_length=1, max_length=40)
    receiving_unit_code: str = Field(min_length=1, max_length=40)
    handling_unit_code: str | None = Field(None, max_length=40)
    channel: Literal[1, 2, 3]
    applicant: ApplicantIn
    representative_name: str = Field("", max_length=255)
    representative_id_number: str = Field("", max_length=20, pattern=r"^[0-9A-Za-z-]*$")
    representative_phone: str = Field("", max_length=20, pattern=_PHONE)
    representative_relationship: Literal[("", *RepresentativeRelationship.values)] = Field(  # type: ignore[valid-type]
        "", validate_default=True,
        description="Who the representative is to the applicant; required when representative_name is given")
    representative_authorization: str = Field("", max_length=255, description=(
        "The document that authorizes the representative (a power of attorney's number and date, ...)"))
    components: list[ComponentIn] = Field(default_factory=list, max_length=50)
    request_summary: str = Field("", max_length=1000)
    result_delivery: Literal["counter", "post", "online"] = "counter"
    return_unit_code: str = Field("", max_length=40, description=(
        "Where the applicant collects the result (result_delivery counter): a counter of the handling "
        "unit; empty: the receiving counter"))
    sets: int = Field(1, ge=1, le=20)
    declaration: dict[str, Any] | None = Field(None, description=(
        "The declared data of the procedure's e-form ({section: {field: value}}, see the procedure's `form`), "
        "validated by the form's rules; refused with 422 and fields keyed declaration.<path>"))

    @field_validator("representative_relationship")
    @classmethod
    def _relationship_with_name(cls, v: str, info: ValidationInfo) -> str:
        if (info.data.get("representative_name") or "").strip() and not v:
            raise ValueError("required when representative_name is given")
        return v


class SyncStatusOut(Schema):
    state: Literal["pending", "synced", "failed", "off"] = Field(
        description="pending: waiting for the worker or retrying; synced: the portal holds every event; "
                    "failed: refused for good (see reason), fix and re-push; off: integration off")
    label: str
    reason: str = Field(description="The last error, in Vietnamese (empty when none)")
    last_attempt_at: datetime | None
    synced_at: datetime | None


class RepresentativeOut(Schema):
    name: str
    id_number: str
    phone: str
    relationship: str = Field(description="One of " + ", ".join(RepresentativeRelationship.values))
    relationship_label: str
    authorization: str


class DossierOut(Schema):
    flag: Literal["", "overdue", "approaching"] = ""
    id: int
    code: str
    status: int
    channel: int
    inbound_postal_code: str = Field("", description="Channel 3: the public post's item code of the envelope "
                                                     "that brought the dossier to the counter")
    procedure_code: str
    procedure_name: str
    receiving_unit_code: str
    handling_unit_code: str
    receiving_unit_name: str = ""
    handling_unit_name: str = ""
    return_unit_code: str | None = Field(None, description="The counter where the result is handed over "
                                                           "(null: sent by post or online)")
    return_unit_name: str | None = None
    applicant_type: int
    applicant_name: str
    representative: RepresentativeOut | None = Field(None, description=(
        "Who applied on the applicant's behalf (null: the applicant in person)"))
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    appointment_at: datetime | None
    ended_at: datetime | None
    returned_at: datetime | None
    verdict: str
    late_hours: float
    current_step: str | None
    step_due_at: datetime | None
    holder_id: int | None
    fees_due: int
    fees_paid: int
    version: int
    rules: str = Field("", description="The rule set the dossier is judged under, by its receipt date (e.g. "
                                    "nd118-2025 from 01/07/2025, nd107-2021 before; motcua/domain/rules_data.py)")
    declaration: dict[str, Any] | None = Field(None, description=(
        "The declaration (one dossier's detail only): form key, form_version (the catalog version whose form "
        "it was declared under) and data"))
    national_portal_sync: SyncStatusOut | None = Field(
        None, description="The dossier's sync with the national portal (one dossier's detail only; null in lists "
                          "and while the integration is off)")


class DossierPage(Schema):
    items: list[DossierOut]
    next_after: int | None = None


class EventOut(Schema):
    seq: int
    at: datetime
    action: str
    from_status: int | None
    to_status: int
    actor_name: str
    role: str
    unit_id: int | None
    step_id: int | None
    note: str
    data: dict
    attachments: list[int]


class ExplanationLine(Schema):
    fact: str
    text: str
    values: dict


class VerdictOut(Schema):
    code: str
    category: str
    label: str
    due_at: datetime | None
    appointment_at: datetime | None
    end_at: datetime | None
    end_reason: str
    late_hours: float
    early_hours: float
    paused_hours: float
    supplement_requests: int
    approaching: bool
    explanation: list[ExplanationLine]


class LookupOut(Schema):
    code: str
    procedure_name: str
    status: int
    status_label: str
    applicant: str  # masked
    received_at: datetime | None
    due_at: datetime | None
    appointment_at: datetime | None
    returned_at: datetime | None


class VersionIn(InputSchema):
    version: int | None = Field(None, ge=1, description="Optimistic lock: the version you saw")


class NoteIn(VersionIn):
    note: str = Field("", max_length=2000)


class ReasonIn(VersionIn):
    reason: str = Field(min_length=1, max_length=2000)

    @field_validator("reason")
    @classmethod
    def not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v


class StartIn(NoteIn):
    holder_id: Id | None = None


class ForwardIn(StartIn):
    to_step: int | None = Field(None, ge=1)


class HolderIn(NoteIn):
    holder_id: Id = Field(description="The staff member who is to hold the current step")


class SupplementRequestIn(ReasonIn):
    items: list[str] = Field(default_factory=list, max_length=50)


class SupplementIn(NoteIn):
    attachments: list[Id] = Field(default_factory=list, max_length=50)


class PaymentRequestIn(ReasonIn):
    amount: int = Field(gt=0, le=MAX_AMOUNT)


class PaymentIn(VersionIn):
    amount: int = Field(gt=0, le=MAX_AMOUNT)
    reference: str = Field("", max_length=100)


class ExtendIn(ReasonIn):
    new_appointment: datetime = Field(json_schema_extra={
        "pattern": IN_CALENDAR["pattern"] + r".*([Zz]|[+-]\d\d:?\d\d)$",
        "description": IN_CALENDAR["description"] + ", with a timezone offset, e.g. +07:00"})

    @field_validator("new_appointment")
    @classmethod
    def aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("must include a timezone offset, e.g. +07:00")
        if not FIRST_YEAR <= v.year <= LAST_YEAR:
            raise ValueError(f"must be within the working calendar ({FIRST_YEAR}-{LAST_YEAR})")
        return v


class FinishIn(NoteIn):
    attachments: list[Id] = Field(default_factory=list, max_length=50)


class ReturnIn(NoteIn):
    # a result sent by post needs its postal item code (checked by the service)
    model_config = ConfigDict(json_schema_extra={
        "if": {"properties": {"method": {"const": "post"}}, "required": ["method"]},
        "then": {"properties": {"postal_code": {"pattern": r"\S"}}, "required": ["postal_code"]}})

    method: Literal["counter", "post", "online"] = "counter"
    postal_code: str = Field("", max_length=40, description="Postal item code, required when method is post")
    received_by: Literal["", "applicant", "representative"] = Field("", description=(
        "At the counter: who collected the result (recorded in the return event's data)"))
    receiver_name: str = Field("", max_length=255, description="Default: the applicant's or representative's name")
    receiver_id_number: str = Field("", max_length=20, pattern=r"^[0-9A-Za-z-]*$", description=(
        "The ID number shown at the counter (default: the one on the dossier)"))


class ApproveIn(NoteIn):
    document_id: Id | None = Field(None, description="The result file approved (default: the latest result)")


class SendBackIn(VersionIn):
    note: str = Field(min_length=1, max_length=2000)
    to_step: int | None = Field(None, ge=1, description="An earlier step (default: the previous one)")

    @field_validator("note")
    @classmethod
    def not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v


class ApprovalOut(Schema):
    id: int
    dossier_id: int
    event_seq: int
    document_id: int | None
    document_sha256: str
    approved_at: datetime
    signature_status: str


class FileOut(Schema):
    id: int
    name: str
    kind: str
    content_type: str
    size: int
    sha256: str
