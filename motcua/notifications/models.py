"""Notification templates (editable by administrators), the log of every notification with its
delivery status, the recipients' channel choices and opt-outs, and the providers' tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import text
from .choices import PLACEHOLDERS, Channel, Kind, Language, Status


class Template(models.Model):
    """The text of one kind of notification on one channel in one language, with ``{name}``
    placeholders (the names each kind may use: ``choices.PLACEHOLDERS``). SMS text is sent without
    diacritics and fitted to the length limit; a Zalo template is the ZNS template registered at
    Zalo (its id and parameter names), its body the text we log."""

    kind = models.CharField(_("loại thông báo"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    language = models.CharField(_("ngôn ngữ"), max_length=2, choices=Language.choices, default=Language.VI)
    subject = models.CharField(_("tiêu đề (thư điện tử)"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    zns_template_id = models.CharField(_("mã mẫu ZNS"), max_length=32, blank=True)
    zns_params = models.JSONField(_("tham số mẫu ZNS"), default=list, blank=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["kind", "channel", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "channel", "language"], name="notif_template_unique"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="notif_template_kind_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="notif_template_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} / {self.channel} / {self.language}"

    def clean(self) -> None:
        allowed = set(PLACEHOLDERS.get(self.kind, ()))
        errors = {}
        for name in ("subject", "body"):
            try:
                unknown = text.placeholders(getattr(self, name)) - allowed
            except text.UnknownPlaceholder as exc:
                errors[name] = str(exc)
                continue
            if unknown:
                errors[name] = _("Không dùng được: %(names)s. Dùng được: %(allowed)s") % {
                    "names": ", ".join(sorted(unknown)), "allowed": ", ".join(sorted(allowed))}
        if self.channel == Channel.EMAIL and not self.subject.strip():
            errors["subject"] = _("Thư điện tử cần tiêu đề.")
        if self.channel == Channel.ZALO and not self.zns_template_id.strip():
            errors["zns_template_id"] = _("Tin Zalo cần mã mẫu ZNS đã được Zalo duyệt.")
        bad_params = set(self.zns_params or []) - allowed
        if bad_params:
            errors["zns_params"] = ", ".join(sorted(bad_params))
        if errors:
            raise ValidationError(errors)


class Notification(models.Model):
    """One message to one recipient on one channel, from the event (or the day's digest) that
    caused it: ``key`` (event, channel, recipient) makes it idempotent. The rendered text is kept
    as sent; ``reply`` and ``error`` are the provider's last word."""

    key = models.CharField(_("khoá chống trùng"), max_length=200, unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    language = models.CharField(_("ngôn ngữ"), max_length=2, choices=Language.choices, default=Language.VI)
    template = models.ForeignKey(Template, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("mẫu"))
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    text = models.TextField(_("nội dung đã gửi"))
    data = models.JSONField(_("giá trị"), default=dict, blank=True)  # the values (ZNS template_data)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    reply = models.JSONField(_("trả lời của nhà cung cấp"), default=dict, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    dossier = models.ForeignKey("dossiers.Dossier", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="notifications", verbose_name=_("hồ sơ"))
    event_id = models.PositiveBigIntegerField(_("sự kiện"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("tài khoản"))
    created_at = models.DateTimeField(_("tạo lúc"))
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("nhật ký thông báo")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "channel"], name="notif_status_channel")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="notif_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="notif_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.recipient}"


class Preference(models.Model):
    """A recipient's choice of channels (empty: the defaults) and opt-out, keyed by exactly one of
    a citizen or staff account, a phone number or an e-mail address. The account's choice wins;
    an opt-out of the phone or the address stops that channel (the e-mails' unsubscribe link)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="notification_preference", verbose_name=_("tài khoản"))
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    channels = models.JSONField(_("kênh nhận"), default=list, blank=True)
    opted_out = models.BooleanField(_("không nhận thông báo"), default=False)
    language = models.CharField(_("ngôn ngữ"), max_length=2, choices=Language.choices, default=Language.VI)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="notif_pref_phone_unique"),
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="notif_pref_email_unique"),
            models.CheckConstraint(
                condition=(Q(user__isnull=False, phone="", email="") | Q(user__isnull=True, email="") & ~Q(phone="")
                           | Q(user__isnull=True, phone="") & ~Q(email="")),
                name="notif_pref_one_key"),
        ]

    def __str__(self) -> str:
        return str(self.user_id or self.phone or self.email)

    def clean(self) -> None:
        keys = [bool(self.user_id), bool(self.phone), bool(self.email)]
        if sum(keys) != 1:
            raise ValidationError(_("Chọn đúng một: tài khoản, số điện thoại hoặc thư điện tử."))
        unknown = set(self.channels or []) - set(Channel.values)
        if unknown:
            raise ValidationError({"channels": ", ".join(sorted(unknown))})


class ProviderToken(models.Model):
    """A provider's current access and refresh tokens (Zalo), shared by every worker; a refresh
    takes the row's lock, since a refresh token is good once."""

    provider = models.CharField(_("nhà cung cấp"), max_length=32, unique=True)
    access_token = models.TextField()
    refresh_token = models.TextField()
    expires_at = models.FloatField(_("hết hạn (epoch)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("token nhà cung cấp")
        verbose_name_plural = _("token nhà cung cấp")

    def __str__(self) -> str:
        return self.provider
