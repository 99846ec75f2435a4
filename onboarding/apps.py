from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """Opening a platform, its names, and loading a platform's data from files (and the demo)."""

    name = "onboarding"
    verbose_name = "プラットフォームの開設"
