from django.apps import AppConfig


class PlatformPortalConfig(AppConfig):
    name = "platform_portal"
    verbose_name = "プラットフォーム"

    def ready(self):
        from platform_portal import freshness, twofactor  # noqa: F401  (twofactor connects the sign-in signal)

        freshness.connect()
