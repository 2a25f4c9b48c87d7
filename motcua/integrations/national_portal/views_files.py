"""The signed, time-limited links through which the national portal fetches a dossier's files
(the portal is given URLs, never the files: INTEGRATIONS.md 1). No sign-in: the signature is the
key, bound to one file and its content hash, and it expires."""

from __future__ import annotations

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from motcua.conf import CONFIG
from motcua.dossiers.downloads import file_response
from motcua.dossiers.models import DossierFile
from motcua.dossiers.storage import get_storage

SALT = "motcua.national_portal.file"


def file_token(f: DossierFile) -> str:
    """A token naming the file and its hash, timestamped (checked against the TTL when used)."""
    return signing.TimestampSigner(salt=SALT).sign_object({"f": f.pk, "h": f.sha256[:16]}, compress=True)


def file_url(f: DossierFile) -> str:
    """The absolute URL the portal downloads ``f`` from."""
    return CONFIG.public_url + reverse("national_portal:file", args=[file_token(f)])


@require_GET
def file_download(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=CONFIG.national_portal_file_url_ttl)
    except signing.SignatureExpired:
        return HttpResponse("Liên kết đã hết hạn.", status=410, content_type="text/plain; charset=utf-8")
    except signing.BadSignature:
        raise Http404 from None
    f = DossierFile.objects.filter(pk=data.get("f")).first() if isinstance(data, dict) else None
    if f is None or not f.sha256.startswith(str(data.get("h"))):
        raise Http404
    return file_response(f, get_storage().open(f.storage_key))
