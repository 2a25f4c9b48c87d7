"""Administrative units, agencies inside them, and staff role assignments."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import TERRITORIAL_KINDS, Role, UnitKind


class Unit(models.Model):
    """A node of the unit tree: province, (historical) district, commune, or an agency,
    department or service centre inside one. ``path`` is a materialized path ("/1/7/42/") used
    to scope every query to a subtree with one indexed prefix match."""

    code = models.CharField(_("mã"), max_length=40, unique=True,
                            help_text=_("Mã định danh (QCVN 102:2016), dùng trong mã hồ sơ"))
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey("self", verbose_name=_("đơn vị cha"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    admin_code = models.CharField(_("mã đơn vị hành chính"), max_length=10, blank=True,
                                  help_text=_("Mã tỉnh/xã theo danh mục đơn vị hành chính"))
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True,
                                    help_text=_("Đơn vị đã giải thể vẫn được giữ để báo cáo lịch sử"))

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=UnitKind.values), name="unit_kind_valid"),
        ]
        indexes = [models.Index(fields=["path"], name="unit_path_prefix",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        from .services import refresh_path

        super().save(*args, **kwargs)
        refresh_path(self)

    def clean(self) -> None:
        if self.parent_id is None and self.kind != UnitKind.PROVINCE:
            raise ValidationError({"parent": _("Chỉ cấp tỉnh mới không có đơn vị cha.")})
        if self.pk and self.parent_id:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("Không thể đặt đơn vị làm cha của chính nó.")})
                ancestor = ancestor.parent

    @property
    def is_territorial(self) -> bool:
        return self.kind in TERRITORIAL_KINDS

    def province(self) -> Unit:
        root_id = int(self.path.strip("/").split("/")[0])
        return self if root_id == self.pk else Unit.objects.get(pk=root_id)

    @property
    def province_id(self) -> int:
        return int(self.path.strip("/").split("/")[0])


class StaffRole(models.Model):
    """A staff member holds a role at a unit; the unit's subtree is what they may see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="staff_roles", verbose_name=_("người dùng"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff_roles",
                             verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="staffrole_unique"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="staffrole_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.unit}"


class StaffProfile(models.Model):
    """A staff member's identity: the citizen ID number (CCCD, 12 digits) a remote signing service
    knows them by (motcua.signing.config.remote_user_id)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile",
                                verbose_name=_("người dùng"))
    id_number = models.CharField(_("số định danh cá nhân (CCCD)"), max_length=12, unique=True,
                                 validators=[RegexValidator(r"^\d{12}$", _("Số định danh gồm 12 chữ số."))])

    class Meta:
        verbose_name = _("hồ sơ cán bộ")
        verbose_name_plural = _("hồ sơ cán bộ")

    def __str__(self) -> str:
        return f"{self.user} - {self.id_number}"
