"""The dossier page's digitization forms: parse, call the service, go back to the dossier page
with a message (a refusal is said in Vietnamese, never a 500)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from motcua.domain.errors import DomainError, NotFound
from motcua.office.errors import friendly
from motcua.office.views import staff_view

from . import services

# the service's messages (English, for API clients) -> the sentence staff read
_KNOWN = {
    services.CLOSED_MESSAGE: gettext_noop("Hồ sơ đã kết thúc mà không có kết quả; không số hóa thêm thành phần."),
    services.NO_FILE_MESSAGE: gettext_noop("Thành phần chưa có tệp: hãy chọn bản quét để tải lên."),
    services.NOT_YOURS_MESSAGE: gettext_noop("Bạn không có quyền số hóa hồ sơ này."),
    "Attach the scan of the result first.": gettext_noop("Hồ sơ chưa có tệp kết quả: hãy chọn bản quét kết quả."),
    "The result is digitized once the dossier is processed.":
        gettext_noop("Chỉ số hóa kết quả khi hồ sơ đã xử lý xong."),
    "Unsupported file type.": gettext_noop("Tệp không đúng định dạng (PDF, PNG, JPEG, TIFF...)."),
    "File extension does not match its content.": gettext_noop("Phần mở rộng của tệp không khớp với nội dung."),
    "File too large.": gettext_noop("Tệp quá lớn."),
    "Empty file.": gettext_noop("Tệp rỗng."),
}


def sentence(err: DomainError) -> str:
    known = _KNOWN.get(err.message)
    return _(known) if known else friendly(err)


def _done(request: HttpRequest, pk: int, ok: str | None, err: DomainError | None) -> HttpResponse:
    if isinstance(err, NotFound):
        raise Http404
    if err is not None:
        messages.error(request, sentence(err))
    else:
        messages.success(request, ok)
    return redirect(reverse("office:dossier", args=[pk]) + "#digit")


@require_POST
@staff_view
def component(request: HttpRequest, pk: int, component_id: int) -> HttpResponse:
    """Upload a scan and mark the component digitized, or mark its attached file (``mark``)."""
    upload = None if request.POST.get("mark") else request.FILES.get("file")
    try:
        c = services.digitize_component(request.actor, pk, component_id, upload,  # type: ignore[attr-defined]
                                        upload.name if upload else "")
    except DomainError as err:
        return _done(request, pk, None, err)
    return _done(request, pk, _("Đã số hóa thành phần: %(name)s.") % {"name": c.name}, None)


@require_POST
@staff_view
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """Scan the paper result (or mark the result files as they are) as the digitized result."""
    upload = request.FILES.get("file")
    try:
        services.digitize_result(request.actor, pk, upload, upload.name if upload else "")  # type: ignore[attr-defined]
    except DomainError as err:
        return _done(request, pk, None, err)
    return _done(request, pk, _("Đã số hóa kết quả giải quyết."), None)
