"""The outbox's labels are Vietnamese first, with English translations."""

from __future__ import annotations

from django.utils import translation

from motcua.jobs.models import OutboxMessage, Status


def test_statuses_and_names_have_english_translations():
    with translation.override("en"):
        assert [str(s.label) for s in Status] == ["Waiting to be sent", "Delivered", "Failed, no more retries",
                                                   "Discarded"]
        assert str(OutboxMessage._meta.verbose_name_plural) == "outbox"
        assert str(translation.gettext("Tồn đọng theo nơi nhận")) == "Backlog per destination"
    with translation.override("vi"):
        assert str(Status.DEAD.label) == "Lỗi, ngừng thử lại"
