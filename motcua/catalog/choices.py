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
