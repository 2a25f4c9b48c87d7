"""Postal orders of dossiers, their tracking history, the tracking-code pool and the feed's cursor."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import mapping


class Kind(models.TextChoices):
    PICKUP = "pickup", _("Thu gom hồ sơ")
    DELIVERY = "delivery", _("Phát kết quả")


SERVICE = {Kind.PICKUP: mapping.SERVICE_PICKUP, Kind.DELIVERY: mapping.SERVICE_DELIVERY}


class OrderState(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi Bưu điện")
    CREATED = "created", _("Đã tạo đơn")
    REFUSED = "refused", _("Bưu điện từ chối")
    CANCELLED = "cancelled", _("Bưu điện đã hủy")


ACTIVE = (OrderState.QUEUED, OrderState.CREATED)


class ParcelStatus(models.IntegerChoices):
    UNUSED = mapping.UNUSED, _("Chưa sử dụng")
    REGISTERED = mapping.REGISTERED, _("Đã đăng ký")
    COLLECTING = mapping.COLLECTING, _("Đang thu gom / vận chuyển")
    DELIVERED = mapping.DELIVERED, _("Đã phát thành công")
    CANCELLED = mapping.CANCELLED, _("Đã hủy")


class PostalProfile(models.Model):
    """A unit's postal details: the sender of its results and the receiver of dossiers sent to it
    (VNPost's province and district codes). A unit without one sends under its name only."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, primary_key=True,
                                related_name="postal_profile", verbose_name=_("đơn vị"))
    address = models.CharField(_("địa chỉ"), max_length=500)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    province_code = models.CharField(_("mã tỉnh (VNPost)"), max_length=10, blank=True)
    district_code = models.CharField(_("mã huyện (VNPost)"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("thông tin bưu chính của đơn vị")
        verbose_name_plural = _("thông tin bưu chính của đơn vị")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.address}"


class PostalOrder(models.Model):
    """One order asked of the post for a dossier: collect it from the applicant (pick-up) or carry
    its result to them (delivery). At most one active (queued or created) order per dossier and
    kind; ``status`` is the parcel's tracking status, which never moves backwards."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="postal_orders",
                                verbose_name=_("hồ sơ"))
    kind = models.CharField(_("loại đơn"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("tình trạng đơn"), max_length=10, choices=OrderState.choices,
                             default=OrderState.QUEUED)
    order_number = models.CharField(_("mã đơn hàng"), max_length=60)
    item_code = models.CharField(_("mã bưu gửi"), max_length=13, blank=True)
    status = models.PositiveSmallIntegerField(_("trạng thái bưu gửi"), choices=ParcelStatus.choices,
                                              default=ParcelStatus.UNUSED)
    status_message = models.CharField(_("thông báo của Bưu điện"), max_length=500, blank=True)
    status_at = models.DateTimeField(_("cập nhật trạng thái lúc"), null=True, blank=True)
    cod_amount = models.PositiveBigIntegerField(_("tiền thu hộ (COD)"), default=0)
    sender = models.JSONField(_("người gửi"), default=dict)
    receiver = models.JSONField(_("người nhận"), default=dict)
    sender_desc = models.CharField(_("nội dung bưu gửi"), max_length=1000, blank=True)
    description = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("lập lúc"))
    sent_at = models.DateTimeField(_("Bưu điện nhận đơn lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("đơn bưu chính")
        verbose_name_plural = _("đơn bưu chính")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind"], condition=Q(state__in=ACTIVE),
                                    name="postalorder_one_active"),
            models.UniqueConstraint(fields=["item_code"], condition=~Q(item_code=""), name="postalorder_item_code"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="postalorder_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=OrderState.values), name="postalorder_state_valid"),
            models.CheckConstraint(condition=Q(status__lte=4), name="postalorder_status_valid"),
        ]
        indexes = [models.Index(fields=["state"], name="postalorder_state")]

    def __str__(self) -> str:
        return f"{self.order_number} {self.kind} {self.item_code or '-'}"

    @property
    def service(self) -> str:
        return SERVICE[Kind(self.kind)]


class TrackingEvent(models.Model):
    """One row of the post's tracking feed for an order, as pulled (``applied``: it moved the order
    forward; a late or repeated status is kept but changes nothing)."""

    order = models.ForeignKey(PostalOrder, on_delete=models.CASCADE, related_name="tracking",
                              verbose_name=_("đơn bưu chính"))
    feed_id = models.BigIntegerField(_("mã dòng hành trình"))
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=ParcelStatus.choices)
    message = models.CharField(_("thông báo"), max_length=500, blank=True)
    reported_at = models.DateTimeField(_("thời điểm Bưu điện báo"), null=True, blank=True)
    pulled_at = models.DateTimeField(_("thời điểm nhận"))
    applied = models.BooleanField(_("đã áp dụng"), default=False)

    class Meta:
        verbose_name = _("hành trình bưu gửi")
        verbose_name_plural = _("hành trình bưu gửi")
        ordering = ["order", "feed_id"]
        constraints = [models.UniqueConstraint(fields=["order", "feed_id"], name="trackingevent_once")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.feed_id} {self.status}"


class ItemCode(models.Model):
    """A tracking code the post office allocated in advance; taken by one order, atomically."""

    code = models.CharField(_("mã bưu gửi"), max_length=13, unique=True)
    allocated_at = models.DateTimeField(_("cấp lúc"))
    order = models.OneToOneField(PostalOrder, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="pool_code", verbose_name=_("dùng cho đơn"))
    taken_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    # the post refused it (not allocated to us, or used already): never taken again
    spoiled = models.BooleanField(_("Bưu điện không nhận mã"), default=False)

    class Meta:
        verbose_name = _("mã bưu gửi được cấp")
        verbose_name_plural = _("mã bưu gửi được cấp")
        indexes = [models.Index(fields=["id"], condition=Q(order__isnull=True, spoiled=False), name="itemcode_free")]

    def __str__(self) -> str:
        return self.code


class TrackingCursor(models.Model):
    """How far the tracking feed has been read (the post's ``lastId``)."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vị trí đọc hành trình")
        verbose_name_plural = _("vị trí đọc hành trình")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
