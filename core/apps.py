from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel: platforms, access, tenancy, audit, freshness and the Japanese calendar and numbers.

    Its label stays "platform_portal", the app it was carved out of, so that its tables,
    migrations, content types and history rows carry over unchanged.
    """

    name = "core"
    label = "platform_portal"
    verbose_name = "プラットフォーム"

    def ready(self):
        from core import freshness, signin, twofactor  # noqa: F401  (they connect the sign-in signals)

        freshness.connect()
