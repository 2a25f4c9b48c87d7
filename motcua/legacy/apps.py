from django.apps import AppConfig


class LegacyConfig(AppConfig):
    name = "motcua.legacy"
    verbose_name = "Nhập lịch sử từ hệ thống cũ"
