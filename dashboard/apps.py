from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The home page of each platform and the national view across platforms."""

    name = "dashboard"
    verbose_name = "ホーム・全国ビュー"
