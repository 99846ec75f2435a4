#!/usr/bin/env python
import os
import sys

# Commands that neither serve requests nor sign anything may run without a configured secret
# key (a fresh checkout's migration check, say); the placeholder is flagged by check --deploy.
OFFLINE_COMMANDS = {"makemigrations", "check", "showmigrations", "sqlmigrate", "help"}
# Of those, the ones that judge no configuration also run under the development rules unless the
# caller chose others; `check` keeps production as the default, since judging it is its job.
MIGRATION_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "help"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ.setdefault("SECRET_KEY", "django-insecure-offline-command")
    if len(sys.argv) > 1 and sys.argv[1] in MIGRATION_COMMANDS and "PORTAL_ENV" not in os.environ:
        os.environ.update(PORTAL_ENV="development", DEBUG="true")  # development requires DEBUG
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS
    except ImproperlyConfigured as exc:
        # Django would go on without the apps and fail later with "Models aren't loaded yet".
        sys.exit(f"設定を読み込めません：{exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
