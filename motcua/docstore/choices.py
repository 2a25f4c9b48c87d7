"""Code lists of the document store: where a stored document came from, and where it was reused."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    DIGITIZED = "digitized", _("Thành phần hồ sơ đã số hóa")
    E_RESULT = "e_result", _("Kết quả điện tử đã ký số")
    RESULT_SCAN = "result_scan", _("Kết quả đã số hóa")
    CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực điện tử")
    OWNER_UPLOAD = "owner_upload", _("Do chủ sở hữu tải lên")


class ReuseChannel(models.TextChoices):
    PORTAL = "portal", _("Cổng dịch vụ công")
    COUNTER = "counter", _("Bộ phận một cửa")
