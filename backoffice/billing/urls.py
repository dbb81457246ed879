from django.urls import path

from backoffice.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.invoices, name="invoices"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_edit, name="plan_new"),
    path("plans/<int:pk>/", views.plan_edit, name="plan_edit"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/new/", views.subscription_new, name="subscription_new"),
    path("subscriptions/<int:pk>/invoice/", views.subscription_invoice, name="subscription_invoice"),
    path("invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("invoices/<int:pk>/print/", views.invoice_print, name="invoice_print"),
    path("invoices/<int:pk>/lines/", views.invoice_line_add, name="invoice_line_add"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice_void"),
    path("invoices/<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("invoices/<int:pk>/credit-notes/", views.credit_note_add, name="credit_note_add"),
    path("invoices/<int:pk>/tickets/", views.ticket_link, name="ticket_link"),
]
