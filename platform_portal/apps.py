from django.apps import AppConfig


class PlatformPortalConfig(AppConfig):
    name = "platform_portal"
    verbose_name = "プラットフォーム"
