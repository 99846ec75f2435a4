from django.apps import AppConfig


class PlatformPortalConfig(AppConfig):
    name = "platform_portal"
    verbose_name = "プラットフォーム"

    def ready(self):
        from platform_portal import twofactor  # noqa: F401  (connects the sign-in signal)
