"""Portal code lists: identity providers, e-ID account types, rating scores and the plain-language dossier statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.domain.lifecycle import Status


class IdentityProvider(models.TextChoices):
    LOCAL = "local", _("Tài khoản của cổng")
    VNEID = "vneid", _("Định danh điện tử VNeID")


class AccountType(models.IntegerChoices):
    """LoaiTaiKhoan of the national e-ID."""

    CITIZEN = 1, _("Công dân")
    ENTERPRISE = 2, _("Doanh nghiệp")
    ORGANISATION = 3, _("Tổ chức")


class EidOutcome(models.TextChoices):
    SIGNED_IN = "signed_in", _("Đăng nhập")
    CREATED = "created", _("Tạo tài khoản mới")
    LINKED = "linked", _("Liên kết tài khoản có sẵn")


class Score(models.IntegerChoices):
    SATISFIED = 1, _("Hài lòng")
    ACCEPTABLE = 2, _("Chấp nhận được")
    DISSATISFIED = 3, _("Không hài lòng")


# the scores that count as satisfied in the satisfaction rate
SATISFIED = (Score.SATISFIED, Score.ACCEPTABLE)


# what each status means for the applicant, in plain words
PLAIN_STATUS = {
    Status.NEW: _("Đã nộp trực tuyến, đang chờ bộ phận một cửa kiểm tra."),
    Status.RECEIVED: _("Hồ sơ đã được tiếp nhận, sắp được chuyển xử lý."),
    Status.NOT_RECEIVED: _("Hồ sơ không được tiếp nhận. Xem lý do trong quá trình xử lý bên dưới."),
    Status.PROCESSING: _("Cơ quan có thẩm quyền đang giải quyết hồ sơ."),
    Status.SUPPLEMENT: _("Cơ quan yêu cầu bổ sung giấy tờ. Vui lòng nộp bổ sung để hồ sơ được tiếp tục xử lý."),
    Status.FINANCIAL: _("Vui lòng nộp phí, lệ phí hoặc nghĩa vụ tài chính để hồ sơ được tiếp tục xử lý."),
    Status.WITHDRAWN: _("Hồ sơ đã được rút theo yêu cầu."),
    Status.STOPPED: _("Cơ quan đã dừng xử lý hồ sơ. Xem lý do trong quá trình xử lý bên dưới."),
    Status.PROCESSED: _("Đã có kết quả. Bạn có thể tải kết quả điện tử hoặc nhận kết quả theo hình thức đã chọn."),
    Status.RETURNED: _("Đã trả kết quả cho người nộp."),
}
