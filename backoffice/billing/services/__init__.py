"""Every write of billing (see the modules for the rules each one keeps)."""

from backoffice.billing.services.credits import credit_apply
from backoffice.billing.services.drafts import invoice_line_delete, invoice_line_update, invoice_update
from backoffice.billing.services.goodwill import (
    goodwill_credit_decide,
    goodwill_credit_propose,
    goodwill_limit_of,
)
from backoffice.billing.services.invoices import (
    credit_note_create,
    invoice_create,
    invoice_issue,
    invoice_line_add,
    invoice_ticket_link,
    invoice_void,
    payment_record,
)
from backoffice.billing.services.overdue import billing_mark_overdue
from backoffice.billing.services.plans import plan_create, plan_update, subscription_create
from backoffice.billing.services.prepaid import prepaid_subscription_of
from backoffice.billing.services.renewals import invoice_create_for_subscription, subscriptions_renew_due
from backoffice.billing.services.subscriptions import (
    subscription_cancel,
    subscription_cancel_undo,
    subscription_change_plan,
)
from backoffice.billing.services.ticket_billing import (
    invoice_ticket_unlink,
    time_entry_delete,
    timer_discard,
    timer_start,
    timer_stop,
)
from backoffice.billing.services.time import time_entry_log

__all__ = [
    "credit_apply",
    "invoice_line_delete",
    "invoice_line_update",
    "invoice_update",
    "subscription_cancel",
    "subscription_cancel_undo",
    "subscription_change_plan",
    "subscriptions_renew_due",
    "timer_stop",
    "timer_start",
    "timer_discard",
    "time_entry_delete",
    "prepaid_subscription_of",
    "invoice_ticket_unlink",
    "goodwill_limit_of",
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
