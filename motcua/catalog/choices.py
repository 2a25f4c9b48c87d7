"""Catalog code lists (DOMAIN.md sections 3 and 5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class IntakeAnywhere(models.TextChoices):
    """Where a dossier may be received regardless of administrative boundaries (tiếp nhận không
    phụ thuộc địa giới hành chính): only at the competent unit's own counters, at any counter of
    its province, or at any counter of the country."""

    NONE = "none", _("Chỉ tại bộ phận một cửa của cơ quan có thẩm quyền")
    PROVINCE = "province", _("Không phụ thuộc địa giới trong tỉnh")
    NATIONWIDE = "nationwide", _("Không phụ thuộc địa giới trên toàn quốc")


class TimeUnit(models.TextChoices):
    DAY = "day", _("ngày làm việc")
    HOUR = "hour", _("giờ làm việc")


class VersionStatus(models.TextChoices):
    PUBLISHED = "published", _("Công bố")
    AMENDED = "amended", _("Đã sửa đổi, bổ sung")
    ABOLISHED = "abolished", _("Bãi bỏ")


class Channel(models.IntegerChoices):
    DIRECT = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính công ích")


class ApplicantType(models.IntegerChoices):
    CITIZEN = 0, _("Công dân")
    ENTERPRISE = 1, _("Doanh nghiệp")
    HOUSEHOLD_BUSINESS = 2, _("Hộ kinh doanh")


class FeeCollected(models.IntegerChoices):
    AT_INTAKE = 1, _("Khi tiếp nhận")
    AT_SUPPLEMENT = 2, _("Khi bổ sung")
    AT_RESULT = 4, _("Khi trả kết quả")
