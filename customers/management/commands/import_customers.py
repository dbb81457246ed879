"""Import customers (or, with --organizations, organizations) from a CSV file of any size, with the
same rules and the same row-by-row report as the import page (/desk/customers/import/).

    python manage.py import_customers customers.csv [--create-organizations] [--as admin@example.com]
    python manage.py import_customers organizations.csv --organizations

Every refused row is printed with its line number; the exit status is 1 when any row was refused or
the file was not read."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from customers.csv_io import import_customers, import_organizations
from helpdesk.models import Role, User


class Command(BaseCommand):
    help = "Import customers or organizations from a CSV file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8, comma or semicolon separated, header first).")
        parser.add_argument("--organizations", action="store_true", help="The file lists organizations.")
        parser.add_argument(
            "--create-organizations",
            action="store_true",
            help="Create organizations the customers file names that do not exist yet.",
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            help="The supervisor or admin doing the import (default: the first admin).",
        )

    def handle(self, *args, file: str, organizations: bool, create_organizations: bool, as_email, **options):
        by = self._importer(as_email)
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        if organizations:
            report = import_organizations(data=data, by=by)
        else:
            report = import_customers(data=data, by=by, create_organizations=create_organizations)
        for error in report.errors:
            self.stderr.write(f"{file}:{error.line}: {error.message}")
        if report.file_error:
            self.stderr.write(f"{file}: {report.file_error}")
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {len(report.errors)} rows refused."
        )
        if report.errors or report.file_error:
            raise CommandError("Some rows were not imported (see above).")

    def _importer(self, email: str | None) -> User:
        users = User.objects.filter(is_active=True, role__in=[Role.SUPERVISOR, Role.ADMIN])
        user = (
            users.filter(email__iexact=email).first()
            if email
            else users.filter(role=Role.ADMIN).order_by("pk").first()
        )
        if user is None:
            raise CommandError(
                f"No active supervisor or admin {email}."
                if email
                else "No active admin to import as: use --as."
            )
        return user
