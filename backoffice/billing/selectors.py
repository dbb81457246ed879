"""Reads of billing: lists for the back-office pages, owners picked by email or name, and the facts
other parts read (`has_overdue_invoice` for routing rules)."""

from django.db.models import QuerySet

from backoffice.billing.models import Invoice, InvoiceStatus, Plan, Subscription
from customers.models import Customer, Organization


def has_overdue_invoice(customer: Customer) -> bool:
    """Whether the customer, or their organization, has an invoice the overdue job marked overdue."""
    return Invoice.objects.overdue().billed_to(customer).exists()


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.order_by("-active", "name")


def subscription_list() -> QuerySet[Subscription]:
    return Subscription.objects.select_related("plan", "customer", "organization").order_by(
        "-created_at", "-pk"
    )


def invoice_list(*, status: str = "", overdue: bool = False) -> QuerySet[Invoice]:
    invoices = Invoice.objects.select_related("customer", "organization").order_by("-created_at", "-pk")
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status=status)
    if overdue:
        invoices = invoices.overdue()
    return invoices


def invoice_with_details(pk: int) -> QuerySet[Invoice]:
    """One invoice with everything its page shows, in a fixed number of queries."""
    return (
        Invoice.objects.filter(pk=pk)
        .select_related("customer", "organization", "subscription__plan")
        .prefetch_related("lines", "payments", "credit_notes", "tickets")
    )


def customer_by_email(email: str) -> Customer | None:
    return (
        Customer.objects.filter(email__iexact=email.strip()).order_by("pk").first() if email.strip() else None
    )


def organization_by_name(name: str) -> Organization | None:
    return (
        Organization.objects.filter(name__iexact=name.strip()).order_by("pk").first()
        if name.strip()
        else None
    )
