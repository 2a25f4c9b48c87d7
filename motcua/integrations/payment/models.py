"""Online payments of dossier fees: the units' beneficiary accounts, one row per payment attempt
(its reference is the platform's MaThamChieu), every confirm received (the callback log), and the
accountant's reconciliation runs with their differences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentAccount(models.Model):
    """Where a unit's fees are paid (ThongTinBienLai): the beneficiary account, its bank and the
    State Treasury's budget account. A unit's procedures with a fee are integrated for online
    payment once the unit, or a unit above it, has an active account."""

    unit = models.OneToOneField("units.Unit", on_delete=models.CASCADE, primary_key=True,
                                related_name="payment_account", verbose_name=_("đơn vị"))
    unit_code = models.CharField(_("mã đơn vị (MaDonVi)"), max_length=40, blank=True)
    account = models.CharField(_("tài khoản thụ hưởng"), max_length=40)
    bank = models.CharField(_("mã ngân hàng thụ hưởng"), max_length=20)
    account_name = models.CharField(_("tên tài khoản thụ hưởng"), max_length=255)
    treasury = models.CharField(_("kho bạc"), max_length=255, blank=True)
    budget_account = models.CharField(_("tài khoản thu NSNN"), max_length=40, blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("tài khoản thu phí trực tuyến")
        verbose_name_plural = _("tài khoản thu phí trực tuyến")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.account} ({self.bank})"


class State(models.TextChoices):
    CREATED = "created", _("Đang khởi tạo")
    STARTED = "started", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    EXPIRED = "expired", _("Hết hạn")
    MISMATCH = "mismatch", _("Sai số tiền")


OPEN = (State.CREATED, State.STARTED)


class Payment(models.Model):
    """One payment attempt of a dossier's fees through a gateway. ``reference`` (MaThamChieu) is
    unique per attempt; at most one attempt of a dossier is open (created or started). The state
    changes on the gateway's confirm or on its QUERY answer only, never on the browser's return.
    ``surplus``: paid while the dossier owed nothing more (a second attempt paid too): kept, not
    counted in the dossier's fees, listed for a refund."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments",
                                verbose_name=_("hồ sơ"))
    gateway = models.CharField(_("cổng thanh toán"), max_length=20, default="national")
    reference = models.CharField(_("mã tham chiếu"), max_length=40, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.CREATED)
    pay_url = models.URLField(_("địa chỉ thanh toán"), max_length=1000, blank=True)
    transaction = models.CharField(_("mã giao dịch"), max_length=60, blank=True)
    bank = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    charged = models.PositiveBigIntegerField(_("số tiền nền tảng báo"), null=True, blank=True)
    created_at = models.DateTimeField(_("lập lúc"))
    started_at = models.DateTimeField(_("chuyển sang thanh toán lúc"), null=True, blank=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    settled_at = models.DateTimeField(_("ghi nhận lúc"), null=True, blank=True)
    settled_by = models.CharField(_("ghi nhận qua"), max_length=10, blank=True)  # ipn | query | reconcile
    surplus = models.BooleanField(_("thu thừa (cần hoàn trả)"), default=False)
    queried_at = models.DateTimeField(_("tra cứu lần cuối"), null=True, blank=True)
    queries = models.PositiveIntegerField(_("số lần tra cứu"), default=0)
    receipt = models.ForeignKey("dossiers.DossierFile", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("biên lai"))
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("thanh toán trực tuyến")
        verbose_name_plural = _("thanh toán trực tuyến")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(state__in=OPEN), name="payment_one_open"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="payment_state_valid"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="payment_state")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.state}"


class Notice(models.Model):
    """A confirm received on the callback (or a QUERY answer that settled a payment): the body as
    sent, the answer given (MaLoi) and whether it changed anything. Forged ones are kept too."""

    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.CASCADE, related_name="notices",
                                verbose_name=_("thanh toán"))
    reference = models.CharField(_("mã tham chiếu"), max_length=100, blank=True)
    via = models.CharField(_("nguồn"), max_length=10, default="ipn")
    received_at = models.DateTimeField(_("nhận lúc"))
    body = models.JSONField(_("nội dung"), default=dict)
    answer = models.CharField(_("mã trả lời"), max_length=4)
    changed = models.BooleanField(_("có thay đổi"), default=False)

    class Meta:
        verbose_name = _("xác nhận thanh toán nhận được")
        verbose_name_plural = _("xác nhận thanh toán nhận được")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.answer}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Chờ chạy")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class Reconciliation(models.Model):
    """One reconciliation (đối soát) of a unit's payments of a day against the platform's ledger."""

    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    day = models.DateField(_("ngày đối soát"))
    created_at = models.DateTimeField(_("lập lúc"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("người lập"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    checked = models.PositiveIntegerField(_("số giao dịch đã đối chiếu"), default=0)
    differences = models.PositiveIntegerField(_("số chênh lệch"), default=0)
    total_here = models.PositiveBigIntegerField(_("tổng thu theo motcua"), default=0)
    total_there = models.PositiveBigIntegerField(_("tổng thu theo nền tảng"), default=0)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("đối soát thanh toán")
        verbose_name_plural = _("đối soát thanh toán")
        ordering = ["-day", "-id"]
        constraints = [models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="paymentrecon_status")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.status}"


class Kind(models.TextChoices):
    PAID_THERE = "paid_there", _("Nền tảng đã thu, motcua chưa ghi nhận")
    PAID_HERE = "paid_here", _("motcua ghi đã thu, nền tảng không có")
    AMOUNT = "amount", _("Số tiền khác nhau")
    PENDING_LONG = "pending_long", _("Chờ thanh toán quá lâu")
    SURPLUS = "surplus", _("Thu thừa, cần hoàn trả")
    UNANSWERED = "unanswered", _("Nền tảng không trả lời tra cứu")


class Difference(models.Model):
    """One payment on which motcua and the platform disagree, as found by a reconciliation."""

    run = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="rows",
                            verbose_name=_("lần đối soát"))
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="+", verbose_name=_("thanh toán"))
    kind = models.CharField(_("loại chênh lệch"), max_length=14, choices=Kind.choices)
    ours = models.JSONField(_("theo motcua"), default=dict)
    theirs = models.JSONField(_("theo nền tảng"), default=dict)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("chênh lệch đối soát")
        verbose_name_plural = _("chênh lệch đối soát")
        ordering = ["run", "id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=Kind.values), name="paymentdiff_kind")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.payment_id} {self.kind}"
