"""manage.py gdpr_erase <customer id> --by admin@example.com --reason "…": erase a customer (GDPR)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from customers.gdpr import customer_erase
from customers.management.commands.gdpr_export import admin_and_customer


class Command(BaseCommand):
    help = "Erase a customer's personal data (GDPR); tickets stay, anonymised, for statistics."

    def add_arguments(self, parser) -> None:
        parser.add_argument("customer_id", type=int)
        parser.add_argument("--by", required=True, help="Email address of the admin doing this (audited).")
        parser.add_argument("--reason", required=True, help="Why (kept in the audit log).")

    def handle(self, *args, customer_id: int, by: str, reason: str, **options) -> None:
        user, customer = admin_and_customer(by, customer_id)
        try:
            counts = customer_erase(customer=customer, by=user, reason=reason)
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(f"Erased customer #{customer.pk} ({summary}).")
