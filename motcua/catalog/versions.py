"""Procedure versions as the administration handles them: the shared check of a version's listed
content (applicant types, channels, fees, results, ...), which versions are locked (a published
version is never edited in place), the draft of a new version copied from a published one, and
publishing that draft (the version in force then ends where the new one starts)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.validation import full_clean_or_fail
from motcua.domain.errors import ValidationFailed
from motcua.domain.fees import MAX_AMOUNT, entry_errors

from .choices import ApplicantType, Channel, TimeUnit, VersionStatus

TEXT_LISTS = ("results", "legal_basis", "steps", "keywords")


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _method_errors(methods: Any) -> str | None:
    if not isinstance(methods, list):
        return _("Cách thức thực hiện phải là một danh sách.")
    seen: set[int] = set()
    for m in methods:
        if not isinstance(m, dict) or m.get("channel") not in Channel.values:
            return _("Kênh nộp không hợp lệ.")
        if m["channel"] in seen:
            return _("Mỗi kênh nộp chỉ được khai báo một lần.")
        seen.add(m["channel"])
        if m.get("processing_time") is not None:
            t = _number(m["processing_time"])
            if t is None or t < 0:
                return _("Thời hạn giải quyết của từng kênh phải là số không âm.")
        if m.get("time_unit") is not None and m["time_unit"] not in TimeUnit.values:
            return _("Đơn vị thời hạn không hợp lệ.")
        if m.get("fee") is not None:
            fee = _number(m["fee"])
            if fee is None or fee < 0 or fee > MAX_AMOUNT or fee != fee.to_integral_value():
                return _("Phí của từng kênh phải là số nguyên đồng, không âm.")
    return None


def _fee_errors(fees: Any) -> str | None:
    if not isinstance(fees, list):
        return _("Phí, lệ phí phải là một danh sách.")
    for i, fee in enumerate(fees, 1):
        bad = entry_errors(fee)
        if bad:
            labels = {"amount": _("mức thu"), "collected": _("thời điểm thu"), "basis": _("cách tính"),
                      "channels": _("kênh nộp"), "": _("nội dung")}
            return _("Dòng phí %(n)s: %(what)s không hợp lệ.") % {
                "n": i, "what": ", ".join(str(labels.get(k, k)) for k in bad)}
    return None


def content_errors(version: Any) -> dict[str, str]:
    """What is wrong with the listed content of a version, by model field (empty: valid). Used by
    the model's clean(), so the admin forms, the catalog import and the API share one check."""
    errors: dict[str, str] = {}
    types = version.applicant_types
    if not isinstance(types, list) or any(isinstance(t, bool) or t not in ApplicantType.values for t in types):
        errors["applicant_types"] = _("Đối tượng thực hiện không hợp lệ.")
    problem = _method_errors(version.methods or [])
    if problem:
        errors["methods"] = problem
    problem = _fee_errors(version.fees or [])
    if problem:
        errors["fees"] = problem
    for name in TEXT_LISTS:
        value = getattr(version, name) or []
        if not isinstance(value, list) or any(not isinstance(s, str) or not s.strip() for s in value):
            errors[name] = _("Mỗi dòng phải là một đoạn văn bản không rỗng.")
    return errors


# ---- published versions are locked ------------------------------------------------------------

def is_locked(version: Any) -> bool:
    """A version can no longer be corrected in place once it is history (amended, abolished), once
    it has taken effect, or once a dossier was received under it. Only a version published ahead
    of its effective date, still unused, can be corrected; any other change is a new version."""
    if version is None or version.pk is None:
        return False
    if version.status != VersionStatus.PUBLISHED or version.effective_from <= clock.local_date(clock.now()):
        return True
    return version.dossiers.exists()


# ---- a new version from a published one -------------------------------------------------------

COPIED = ("name", "procedure_type", "applicant_types", "online_level", "processing_time", "time_unit", "methods",
          "fees", "results", "legal_basis", "requirements", "competent_agency", "executing_agency",
          "receiving_address", "steps", "keywords", "cutoff_time", "fee_pay_later", "intake_anywhere")
COMPONENT_FIELDS = ("order", "name", "originals", "copies", "required", "must_digitize", "form_template",
                    "document_type")


def draft_of(version: Any) -> dict[str, Any]:
    """The initial content of a new version copied from ``version``: everything but the publishing
    decision and the dates, which the new decision gives."""
    return {"procedure": version.procedure_id, **{k: getattr(version, k) for k in COPIED}}


def components_of(version: Any) -> list[dict[str, Any]]:
    return [{k: getattr(c, k) for k in COMPONENT_FIELDS} for c in version.components.order_by("order", "pk")]


@transaction.atomic
def publish(version: Any, copy_form_from: Any = None) -> Any:
    """Publish the unsaved ``version``: the version of its procedure in force at its start ends
    there (marked amended; dossiers received under it keep it), then the new one is saved. A
    version that starts on or after the new start refuses the publication (the periods would
    overlap). The e-form of ``copy_form_from`` is copied with it."""
    from .models import ProcedureVersion

    start = version.effective_from
    versions = ProcedureVersion.objects.select_for_update().filter(procedure_id=version.procedure_id)
    if versions.filter(effective_from__gte=start).exists():
        raise ValidationFailed("A version starts on or after that date.",
                               fields={"effective_from": _("Đã có phiên bản có hiệu lực từ ngày này hoặc sau đó.")})
    version.status = VersionStatus.PUBLISHED
    full_clean_or_fail(version)
    current = versions.filter(effective_from__lt=start).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=start))
    current.update(effective_to=start, status=VersionStatus.AMENDED)
    version.save()
    if copy_form_from is not None:
        from motcua.eforms.models import FormDefinition

        old = FormDefinition.objects.filter(version=copy_form_from).first()
        if old is not None:
            FormDefinition.objects.create(version=version, definition=old.definition, published=old.published)
    return version


@transaction.atomic
def withdraw(version: Any) -> None:
    """Delete a version published ahead of its date and still unused (not locked): the version it
    was to replace is in force again, as before the publication."""
    from .models import ProcedureVersion

    if is_locked(version):
        raise ValidationFailed("A version in force or used by dossiers is history.",
                               fields={"version": _("Phiên bản đã có hiệu lực hoặc đã có hồ sơ, không được xóa.")})
    ProcedureVersion.objects.select_for_update().filter(
        procedure_id=version.procedure_id, effective_to=version.effective_from, status=VersionStatus.AMENDED,
    ).update(effective_to=None, status=VersionStatus.PUBLISHED)
    version.delete()
