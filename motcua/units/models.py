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
    # a reorganization's dating: the unit exists on dates in [established_on, dissolved_on); a unit
    # that ended names the successor that took over its open dossiers (the main one, for a split)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    successor = models.ForeignKey("self", verbose_name=_("đơn vị kế thừa"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="predecessors")

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

        adding = self._state.adding
        super().save(*args, **kwargs)
        refresh_path(self)
        if adding:  # its first version: the tree's history starts with the unit
            UnitVersion.objects.create(unit=self, name=self.name, parent_id=self.parent_id, path=self.path,
                                       valid_from=self.established_on, valid_until=self.dissolved_on)

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


class ReorganizationKind(models.TextChoices):
    MERGE = "merge", _("Hợp nhất / sáp nhập")
    SPLIT = "split", _("Chia tách")
    DISSOLVE = "dissolve", _("Giải thể cấp trung gian")
    RENAME = "rename", _("Đổi tên")
    MOVE = "move", _("Điều chỉnh trực thuộc")
    MERGE_PROVINCES = "merge_provinces", _("Hợp nhất tỉnh")


class ReorganizationStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SCHEDULED = "scheduled", _("Chờ ngày hiệu lực")
    APPLIED = "applied", _("Đã thực hiện")
    CANCELLED = "cancelled", _("Đã hủy")


class Reorganization(models.Model):
    """A dated reorganization of the unit tree (a resolution of the National Assembly Standing
    Committee, a province's decision): merge, split, dissolve, rename, move, merge provinces.
    ``spec`` holds the operation's parameters; ``summary`` what applying it moved."""

    kind = models.CharField(_("loại"), max_length=20, choices=ReorganizationKind.choices)
    decision_number = models.CharField(_("số quyết định / nghị quyết"), max_length=100)
    decision_date = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255)
    effective_on = models.DateField(_("ngày hiệu lực"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=ReorganizationStatus.choices,
                              default=ReorganizationStatus.DRAFT)
    spec = models.JSONField(_("nội dung"), default=dict)
    summary = models.JSONField(_("kết quả thực hiện"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người tạo"))
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("thực hiện lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("sắp xếp đơn vị")
        verbose_name_plural = _("sắp xếp đơn vị")
        ordering = ["effective_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ReorganizationKind.values),
                                   name="reorganization_kind_valid"),
            models.CheckConstraint(condition=models.Q(status__in=ReorganizationStatus.values),
                                   name="reorganization_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.get_kind_display()}, {self.effective_on:%d/%m/%Y})"


class UnitSuccession(models.Model):
    """predecessor -> successor from ``effective_on`` (one row per pair: a merge has several
    predecessors, a split several successors; ``primary`` marks the one that inherits the history
    when figures are asked by today's units)."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions_out")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successions_in")
    reorganization = models.ForeignKey(Reorganization, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="successions")
    effective_on = models.DateField(_("ngày hiệu lực"))
    primary = models.BooleanField(_("kế thừa chính"), default=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unitsuccession_unique"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")),
                                   name="unitsuccession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} -> {self.successor}"


class UnitVersion(models.Model):
    """A unit's name, parent and path over [valid_from, valid_until) (None: open-ended): the
    boundaries in force at a date, for figures asked by the units of that time."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(_("tên"), max_length=255)
    parent = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reorganization = models.ForeignKey(Reorganization, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")

    class Meta:
        verbose_name = _("lịch sử đơn vị")
        verbose_name_plural = _("lịch sử đơn vị")
        ordering = ["unit", "valid_from"]
        indexes = [models.Index(fields=["path"], name="unitversion_path_prefix",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.name} {self.valid_from or '…'}–{self.valid_until or '…'}"
