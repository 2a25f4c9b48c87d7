"""Unit kinds and staff roles, defined once with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Huyện (dữ liệu lịch sử)")
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    AGENCY = "agency", _("Cơ quan")
    DEPARTMENT = "department", _("Phòng, ban")
    SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")


TERRITORIAL_KINDS = {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE}


class Role(models.TextChoices):
    COUNTER_OFFICER = "counter_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo")
    ADMIN = "admin", _("Quản trị")
    MONITOR = "monitor", _("Giám sát, theo dõi")
