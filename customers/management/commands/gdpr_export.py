"""manage.py gdpr_export <customer id> --by ADMIN_EMAIL [--output FILE]: the customer's data as a zip."""

import shutil
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from customers.gdpr import customer_export
from customers.models import Customer
from helpdesk.models import User


def admin_and_customer(by: str, customer_id: int) -> tuple[User, Customer]:
    """Shared by gdpr_export and gdpr_erase: both act as a named admin, who is audited."""
    user = User.objects.filter(email__iexact=by.strip()).first()
    if user is None:
        raise CommandError(f"No user has the email address {by}.")
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise CommandError(f"There is no customer #{customer_id}.")
    return user, customer


class Command(BaseCommand):
    help = "Export everything about a customer (GDPR access request) as a zip of JSON and files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("customer_id", type=int)
        parser.add_argument("--by", required=True, help="Email address of the admin doing this (audited).")
        parser.add_argument(
            "--output", help="Where to write the zip (default: customer-<id>-data-<date>.zip)."
        )

    def handle(self, *args, customer_id: int, by: str, output: str | None, **options) -> None:
        user, customer = admin_and_customer(by, customer_id)
        path = Path(output or f"customer-{customer.pk}-data-{timezone.localdate():%Y-%m-%d}.zip")
        try:
            archive = customer_export(customer=customer, by=user)
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        with archive, path.open("wb") as target:
            shutil.copyfileobj(archive, target)
        self.stdout.write(f"Wrote {path} ({path.stat().st_size} bytes).")
