#!/usr/bin/env python
import os
import sys

# Developer commands that only read and write source files (never serve a request, never use the
# secret key) work in a fresh checkout without any environment, like `manage.py makemigrations --check`.
SOURCE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    if len(sys.argv) > 1 and sys.argv[1] in SOURCE_ONLY_COMMANDS and "SECRET_KEY" not in os.environ:
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
