"""Every write of billing (see the modules for the rules each one keeps)."""

from backoffice.billing.services.goodwill import goodwill_credit_decide, goodwill_credit_propose
from backoffice.billing.services.invoices import (
    credit_note_create,
    invoice_create,
    invoice_create_for_subscription,
    invoice_issue,
    invoice_line_add,
    invoice_ticket_link,
    invoice_void,
    payment_record,
)
from backoffice.billing.services.overdue import billing_mark_overdue
from backoffice.billing.services.plans import plan_create, plan_update, subscription_create
from backoffice.billing.services.time import time_entry_log

__all__ = [
    "billing_mark_overdue",
    "credit_note_create",
    "goodwill_credit_decide",
    "goodwill_credit_propose",
    "invoice_create",
    "invoice_create_for_subscription",
    "invoice_issue",
    "invoice_line_add",
    "invoice_ticket_link",
    "invoice_void",
    "payment_record",
    "plan_create",
    "plan_update",
    "subscription_create",
    "time_entry_log",
]
