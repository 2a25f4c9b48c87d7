"""The payment link of a dossier for an applicant without a portal account: an unguessable token
(the dossier id and an HMAC of it keyed by the secret key, as motcua.documents.qr does for the
lookup) printed on the fee notice; its page shows what is due and starts an online payment."""

from __future__ import annotations

import base64
import re

from django.utils.crypto import constant_time_compare, salted_hmac

from motcua.conf import CONFIG

_SALT = "motcua.fees.pay-token"
_TOKEN = re.compile(r"^([0-9a-z]{1,13})-([A-Za-z0-9_-]{27})$")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _mac(dossier_id: int) -> str:
    digest = salted_hmac(_SALT, str(dossier_id), algorithm="sha256").digest()[:20]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = _DIGITS[r] + out
        if n == 0:
            return out


def pay_token(dossier_id: int) -> str:
    return f"{_base36(dossier_id)}-{_mac(dossier_id)}"


def dossier_id_from_token(token: str) -> int | None:
    m = _TOKEN.match(token or "")
    if not m:
        return None
    dossier_id = int(m.group(1), 36)
    return dossier_id if constant_time_compare(m.group(2), _mac(dossier_id)) else None


def pay_path(dossier_id: int) -> str:
    return f"/office/fees/pay/{pay_token(dossier_id)}/"


def pay_url(dossier_id: int) -> str:
    return f"{CONFIG.public_url}{pay_path(dossier_id)}"
