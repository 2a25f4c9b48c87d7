"""Dossier statuses and actions with translated labels: the domain enums, defined once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.domain.lifecycle import Action, Status
from motcua.domain.verdict import Category


class StatusChoices(models.IntegerChoices):
    NEW = Status.NEW, _("Mới đăng ký")
    RECEIVED = Status.RECEIVED, _("Đã tiếp nhận")
    NOT_RECEIVED = Status.NOT_RECEIVED, _("Từ chối tiếp nhận")
    PROCESSING = Status.PROCESSING, _("Đang xử lý")
    SUPPLEMENT = Status.SUPPLEMENT, _("Yêu cầu bổ sung")
    FINANCIAL = Status.FINANCIAL, _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWN = Status.WITHDRAWN, _("Đã rút hồ sơ")
    STOPPED = Status.STOPPED, _("Dừng xử lý")
    PROCESSED = Status.PROCESSED, _("Đã xử lý xong")
    RETURNED = Status.RETURNED, _("Đã trả kết quả")


class ActionChoices(models.TextChoices):
    SUBMIT = Action.SUBMIT, _("Nộp hồ sơ")
    INTAKE = Action.INTAKE, _("Tiếp nhận trực tiếp")
    RECEIVE = Action.RECEIVE, _("Tiếp nhận")
    REFUSE = Action.REFUSE, _("Từ chối tiếp nhận")
    START = Action.START, _("Chuyển xử lý")
    FORWARD = Action.FORWARD, _("Chuyển bước")
    REQUEST_SUPPLEMENT = Action.REQUEST_SUPPLEMENT, _("Yêu cầu bổ sung")
    SUPPLEMENT = Action.SUPPLEMENT, _("Nhận bổ sung")
    REQUEST_PAYMENT = Action.REQUEST_PAYMENT, _("Yêu cầu nghĩa vụ tài chính")
    PAYMENT = Action.PAYMENT, _("Hoàn thành nghĩa vụ tài chính")
    EXTEND = Action.EXTEND, _("Xin lỗi, hẹn lại")
    WITHDRAW = Action.WITHDRAW, _("Rút hồ sơ")
    STOP = Action.STOP, _("Dừng xử lý")
    APPROVE = Action.APPROVE, _("Phê duyệt kết quả")
    SEND_BACK = Action.SEND_BACK, _("Trả lại để xử lý lại")
    FINISH = Action.FINISH, _("Hoàn thành xử lý")
    RETURN = Action.RETURN, _("Trả kết quả")
    FEE_PAID = Action.FEE_PAID, _("Nộp phí, lệ phí")
    POSTAL = Action.POSTAL, _("Bưu chính")
    TRANSFER = Action.TRANSFER, _("Chuyển đơn vị")


class VerdictChoices(models.TextChoices):
    NOT_STARTED = Category.NOT_STARTED, _("Chưa tiếp nhận")
    EARLY = Category.EARLY, _("Trước hạn")
    ON_TIME = Category.ON_TIME, _("Đúng hạn")
    LATE = Category.LATE, _("Trễ hạn")
    IN_PROGRESS_ON_TIME = Category.IN_PROGRESS_ON_TIME, _("Đang xử lý trong hạn")
    IN_PROGRESS_LATE = Category.IN_PROGRESS_LATE, _("Đang xử lý quá hạn")


class FileKind(models.TextChoices):
    COMPONENT = "component", _("Thành phần hồ sơ")
    RESULT = "result", _("Kết quả")
    ATTACHMENT = "attachment", _("Tệp đính kèm")


class SignatureStatus(models.TextChoices):
    PENDING = "pending", _("Chờ ký số")
    SIGNED = "signed", _("Đã ký số")


class ResultDelivery(models.TextChoices):
    COUNTER = "counter", _("Tại bộ phận một cửa")
    POST = "post", _("Qua bưu chính công ích")
    ONLINE = "online", _("Trực tuyến")


class RepresentativeRelationship(models.TextChoices):
    """Who applies on the applicant's behalf (Civil Code 2015, arts. 134-143: legal or authorized)."""
    FAMILY = "family", _("Thành viên gia đình")
    PARENT = "parent", _("Cha, mẹ / người giám hộ")
    SPOUSE = "spouse", _("Vợ, chồng")
    CHILD = "child", _("Con")
    LEGAL = "legal", _("Người đại diện theo pháp luật")
    AUTHORIZED = "authorized", _("Người được ủy quyền")
    OTHER = "other", _("Khác")
