#!/usr/bin/env python
import os
import sys

# Commands that neither serve requests nor sign anything may run without a configured secret
# key (a fresh checkout's migration check, say); the placeholder is flagged by check --deploy.
OFFLINE_COMMANDS = {"makemigrations", "check", "showmigrations", "sqlmigrate", "help"}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ.setdefault("SECRET_KEY", "django-insecure-offline-command")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
