from django.urls import path

from backoffice.billing import draft_views, subscription_views, ticket_views, views

app_name = "billing"
urlpatterns = [
    path("", views.invoices, name="invoices"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_edit, name="plan_new"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/new/", views.subscription_new, name="subscription_new"),
    path("subscriptions/<int:pk>/", subscription_views.subscription, name="subscription"),
    path(
        "subscriptions/<int:pk>/cancel/", subscription_views.subscription_cancel, name="subscription_cancel"
    ),
    path(
        "subscriptions/<int:pk>/cancel/undo/",
        subscription_views.subscription_cancel_undo,
        name="subscription_cancel_undo",
    ),
    path("subscriptions/<int:pk>/plan/", subscription_views.subscription_plan, name="subscription_plan"),
    path("subscriptions/<int:pk>/invoice/", views.subscription_invoice, name="subscription_invoice"),
    path("invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("invoices/<int:pk>/print/", views.invoice_print, name="invoice_print"),
    path("invoices/<int:pk>/lines/", views.invoice_line_add, name="invoice_line_add"),
    path("invoices/<int:pk>/edit/", draft_views.invoice_edit, name="invoice_edit"),
    path("invoices/<int:pk>/lines/<int:line_id>/", draft_views.invoice_line_edit, name="invoice_line_edit"),
    path(
        "invoices/<int:pk>/lines/<int:line_id>/delete/",
        draft_views.invoice_line_delete,
        name="invoice_line_delete",
    ),
    path("invoices/<int:pk>/credits/apply/", draft_views.credit_apply, name="credit_apply"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("invoices/<int:pk>/credit-notes/", views.credit_note_add, name="credit_note_add"),
    path("invoices/<int:pk>/tickets/", views.ticket_link, name="ticket_link"),
    # The "Time and billing" panel of a desk ticket, and its actions.
    path("tickets/<int:pk>/", ticket_views.ticket_panel, name="ticket_panel"),
    path("tickets/<int:pk>/time/", ticket_views.time_log, name="ticket_time_log"),
    path(
        "tickets/<int:pk>/time/<int:entry_pk>/delete/",
        ticket_views.time_entry_delete,
        name="ticket_time_delete",
    ),
    path("tickets/<int:pk>/timer/start/", ticket_views.timer_start, name="ticket_timer_start"),
    path("tickets/<int:pk>/timer/stop/", ticket_views.timer_stop, name="ticket_timer_stop"),
    path("tickets/<int:pk>/timer/discard/", ticket_views.timer_discard, name="ticket_timer_discard"),
    path("tickets/<int:pk>/credits/", ticket_views.goodwill_propose, name="ticket_goodwill"),
    path("tickets/<int:pk>/invoices/", ticket_views.invoice_link, name="ticket_invoice_link"),
    path(
        "tickets/<int:pk>/invoices/<int:invoice_pk>/unlink/",
        ticket_views.invoice_unlink,
        name="ticket_invoice_unlink",
    ),
    # Supervisors approve goodwill credits above an agent's limit.
    path("credits/", ticket_views.goodwill_approvals, name="goodwill_approvals"),
    path("credits/<int:pk>/decide/", ticket_views.goodwill_decide, name="goodwill_decide"),
]
