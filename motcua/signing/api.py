"""/api/v1/results/: the public verification of an electronic result by its code."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.api.docs import errors

from . import services

router = Router()


class SignatureOut(Schema):
    signer: str
    issuer: str
    certificate_serial: str
    signing_time: datetime | None
    timestamped: bool
    certificate_status: str  # good | revoked | expired | not_yet_valid | untrusted | unknown (at signing time)
    intact: bool
    modified_after_signing: bool
    valid: bool
    summary: str  # Vietnamese


class VerificationOut(Schema):
    code: str
    valid: bool
    summary: str  # Vietnamese
    signatures: list[SignatureOut]
    document_timestamps: int
    dossier_code: str
    dossier_status: str
    applicant: str  # masked: only the given name readable
    procedure: str


@router.get("/{code}/verification", response={200: VerificationOut, **errors(404, public=True)}, auth=None,
            summary="Verify an electronic result's digital signatures")
def verification(request: HttpRequest, code: str):  # noqa: ANN201
    """Validates the stored signed file of the result against the configured trust roots (offline, with
    the validation data embedded in the file): who signed, when, the certificate's status at signing
    time, whether the file changed after signing; the dossier's status and the applicant's masked name."""
    check = services.verify_result(code[:100])
    r = check.report
    return {"code": check.code, "valid": r.valid, "summary": r.summary, "document_timestamps": r.document_timestamps,
            "signatures": [{**{k: getattr(s, k) for k in SignatureOut.model_fields if k != "valid"}, "valid": s.ok}
                           for s in r.signatures],
            "dossier_code": check.dossier_code, "dossier_status": check.dossier_status, "applicant": check.applicant,
            "procedure": check.procedure}
