"""Citizen accounts, saved drafts of online dossiers with their uploaded files, and ratings (the
overall score and the answers to the provincial satisfaction survey's criteria)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AccountType, EidOutcome, IdentityProvider, Score


class CitizenProfile(models.Model):
    """A citizen's portal account: the identity number it was opened with and how it signs in.
    ``identity_provider`` and ``subject`` leave room for the national VNeID sign-in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile",
                                verbose_name=_("tài khoản"))
    id_number = models.CharField(_("số định danh cá nhân (CCCD)"), max_length=14, unique=True,
                                 help_text=_("Tài khoản doanh nghiệp, tổ chức (VNeID): mã số thuế"))
    phone = models.CharField(_("điện thoại"), max_length=20)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    identity_provider = models.CharField(_("nguồn định danh"), max_length=20, choices=IdentityProvider.choices,
                                         default=IdentityProvider.LOCAL)
    subject = models.CharField(_("mã định danh tại nguồn"), max_length=255, blank=True)
    # what the national e-ID sign-in says of the account (empty for a local account never signed in with it)
    account_type = models.PositiveSmallIntegerField(_("loại tài khoản"), choices=AccountType.choices,
                                                    default=AccountType.CITIZEN)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=10, blank=True)
    permanent_address = models.CharField(_("nơi thường trú"), max_length=500, blank=True)
    loa = models.CharField(_("mức độ định danh"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài khoản công dân")
        verbose_name_plural = _("tài khoản công dân")
        constraints = [
            models.UniqueConstraint(fields=["identity_provider", "subject"], condition=~Q(subject=""),
                                    name="citizenprofile_subject_unique"),
            models.CheckConstraint(condition=Q(account_type__in=AccountType.values),
                                   name="citizenprofile_account_type_valid"),
        ]

    def __str__(self) -> str:
        return self.id_number


class EidSignIn(models.Model):
    """One sign-in through the national e-ID (VNeID): who, when, at which assurance level, as which
    kind of account, and whether it opened or linked the account. The Decision 766 measure
    "accounts authenticated with VNeID" counts the dossiers whose owner has one before submitting."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eid_sign_ins",
                             verbose_name=_("tài khoản"))
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    loa = models.CharField(_("mức độ định danh"), max_length=10)
    account_type = models.PositiveSmallIntegerField(_("loại tài khoản"), choices=AccountType.choices)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=EidOutcome.choices,
                               default=EidOutcome.SIGNED_IN)

    class Meta:
        verbose_name = _("lần đăng nhập VNeID")
        verbose_name_plural = _("lần đăng nhập VNeID")
        indexes = [models.Index(fields=["user", "at"], name="portal_eidsignin_user_at")]
        constraints = [models.CheckConstraint(condition=Q(account_type__in=AccountType.values),
                                              name="eidsignin_account_type_valid")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M} {self.loa}"


class Draft(models.Model):
    """An online application saved before submission: the form data and the files uploaded so far."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_drafts",
                              verbose_name=_("người nộp"))
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("thủ tục"))
    # the citizen's name for it (default "<procedure> - dd/mm/yyyy"); one draft per procedure
    name = models.CharField(_("tên hồ sơ nháp"), max_length=200, blank=True)
    data = models.JSONField(_("thông tin đã nhập"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ lưu nháp")
        verbose_name_plural = _("hồ sơ lưu nháp")
        indexes = [models.Index(fields=["owner", "updated_at"], name="portal_draft_owner")]

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.procedure_id}"


class DraftFile(models.Model):
    """A file uploaded for one catalog component of a draft (already checked and stored)."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey("catalog.Component", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ nháp")
        verbose_name_plural = _("tệp hồ sơ nháp")
        constraints = [models.UniqueConstraint(fields=["draft", "component"], name="draftfile_one_per_component")]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """The applicant's satisfaction with the handling of one dossier, given once after the result."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="rating",
                                   verbose_name=_("hồ sơ"))
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Score.choices)
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("thời điểm đánh giá"))

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")
        constraints = [models.CheckConstraint(condition=Q(score__in=Score.values), name="rating_score_valid")]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"

    @property
    def criteria(self) -> dict[str, int]:
        """{criterion code: level value} of the criteria the applicant answered."""
        return {a.criterion.code: a.value for a in self.answers.select_related("criterion")}


class RatingCriterion(models.Model):
    """A question of the provincial satisfaction survey asked with every dossier rating (the
    officer's attitude, the guidance, the time taken, the result...), kept as data
    (``fixtures/rating_criteria.json``, editable by administrators). ``levels`` is the answer scale:
    ``[{"value": 5, "name": "Rất tốt", "name_en": "Very good"}, ...]``, the highest value best."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("câu hỏi"), max_length=255)
    name_en = models.CharField(_("câu hỏi (tiếng Anh)"), max_length=255, blank=True)
    levels = models.JSONField(_("các mức trả lời"), default=list)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang dùng"), default=True)
    source = models.CharField(_("căn cứ"), max_length=255, blank=True,
                              help_text=_("Phiếu khảo sát, văn bản của tỉnh quy định tiêu chí này"))

    class Meta:
        verbose_name = _("tiêu chí đánh giá hài lòng")
        verbose_name_plural = _("tiêu chí đánh giá hài lòng")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        values = [lv.get("value") for lv in self.levels if isinstance(lv, dict) and lv.get("name")]
        if len(values) < 2 or len(values) != len(self.levels) or len(set(values)) != len(values) or not all(
                isinstance(v, int) and 1 <= v <= 10 for v in values):
            raise ValidationError({"levels": _("Cần ít nhất hai mức, mỗi mức có giá trị (1-10, không trùng) và tên.")})

    def level_values(self) -> list[int]:
        return [int(lv["value"]) for lv in self.levels]


class RatingAnswer(models.Model):
    """The applicant's answer to one criterion in a rating (the level's value, as of that day)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(RatingCriterion, on_delete=models.PROTECT, related_name="answers",
                                  verbose_name=_("tiêu chí"))
    value = models.PositiveSmallIntegerField(_("mức"))
    level_name = models.CharField(_("mức trả lời"), max_length=100)

    class Meta:
        verbose_name = _("trả lời tiêu chí")
        verbose_name_plural = _("trả lời tiêu chí")
        constraints = [models.UniqueConstraint(fields=["rating", "criterion"], name="ratinganswer_once")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"
