"""The back-office billing pages: who may open them, the plan → subscription → invoice → payment
flow through forms, bad input shown as form errors with nothing written, and query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backoffice.billing.models import Invoice, InvoiceStatus, Payment, Plan, Subscription
from tests.billing.conftest import make_invoice

PAGES = ["plans", "plan_new", "subscriptions", "subscription_new", "invoices", "invoice_new"]


def url(name, *args):
    return reverse(f"backoffice:billing:{name}", args=args)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["piotr", "rasa"])
def test_back_office_staff_and_admins_open_every_page(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_agents_supervisors_and_customers_are_refused(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(name)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    assert client.get(url("invoices")).url.startswith("/accounts/login/")


def test_agents_cannot_record_payments_or_see_invoices(client, ona, acme):
    invoice = make_invoice(owner=acme)
    client.force_login(ona)

    assert client.get(url("invoice", invoice.pk)).status_code == 403
    assert (
        client.post(url("payment_add", invoice.pk), {"amount": "1", "received_on": "2026-03-03"}).status_code
        == 403
    )
    assert not Payment.objects.exists()


def test_an_unknown_invoice_is_a_404(client, piotr):
    client.force_login(piotr)

    assert client.get(url("invoice", 999999)).status_code == 404
    assert client.get(url("invoice_print", 999999)).status_code == 404


def test_the_whole_flow_through_the_forms(client, piotr, acme):
    client.force_login(piotr)
    plan_data = {"name": "Business", "price": "100.00", "currency": "eur", "period": "month",
                 "support_tier": "business", "kind": "flat", "active": "on"}  # fmt: skip
    assert client.post(url("plan_new"), plan_data).status_code == 302
    plan = Plan.objects.get()
    assert plan.currency == "EUR"

    response = client.post(
        url("subscription_new"),
        {"plan": plan.pk, "organization_name": "acme baltic", "start_date": "2026-03-01", "status": "active"},
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get(organization=acme)

    response = client.post(url("subscription_invoice", subscription.pk))
    invoice = Invoice.objects.get()
    assert response.url == invoice.get_absolute_url()
    client.post(
        url("invoice_line_add", invoice.pk), {"description": "Setup", "quantity": "1", "unit_price": "50"}
    )
    client.post(url("invoice_issue", invoice.pk))
    response = client.post(
        url("payment_add", invoice.pk),
        {"amount": "100.00", "received_on": "2026-03-05", "method": "bank_transfer", "reference": "SEPA 1"},
    )
    assert response.status_code == 302

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and invoice.number
    assert (invoice.total, invoice.balance) == (Decimal("181.50"), Decimal("81.50"))
    page = client.get(invoice.get_absolute_url()).content.decode()
    assert "81.50 EUR" in page and "SEPA 1" in page
    printable = client.get(url("invoice_print", invoice.pk)).content.decode()
    assert invoice.number in printable and "billing-print.css" in printable


def test_bad_plan_input_is_shown_and_nothing_is_saved(client, piotr):
    client.force_login(piotr)

    response = client.post(url("plan_new"), {"name": "", "price": "-1", "currency": "EURO", "period": "week"})

    assert response.status_code == 400
    assert not Plan.objects.exists()
    assert response.context["form"].errors.keys() >= {"name", "price", "currency", "period"}


def test_a_subscription_needs_a_known_customer_or_organization(client, piotr, business_plan, acme):
    client.force_login(piotr)
    base = {"plan": business_plan.pk, "start_date": "2026-03-01", "status": "active"}

    neither = client.post(url("subscription_new"), base)
    unknown = client.post(url("subscription_new"), {**base, "customer_email": "nobody@example.com"})
    both = client.post(
        url("subscription_new"), {**base, "customer_email": "a@b.lt", "organization_name": "Acme Baltic"}
    )

    assert [r.status_code for r in (neither, unknown, both)] == [400, 400, 400]
    assert "No customer has this email address." in unknown.content.decode()
    assert not Subscription.objects.exists()


def test_an_overpayment_is_a_form_error_and_nothing_is_recorded(client, piotr, acme):
    invoice = make_invoice(owner=acme)
    client.force_login(piotr)

    response = client.post(
        url("payment_add", invoice.pk), {"amount": "500.00", "received_on": "2026-03-05", "method": "card"}
    )

    assert response.status_code == 400
    assert "more than the balance" in response.content.decode()
    assert not Payment.objects.exists()


def test_issuing_a_draft_without_lines_is_an_error_on_the_page(client, piotr, acme):
    client.force_login(piotr)
    client.post(url("invoice_new"), {"organization_name": "Acme Baltic", "currency": "EUR", "tax_rate": "21",
                                     "payment_terms_days": "14"})  # fmt: skip
    invoice = Invoice.objects.get()

    response = client.post(url("invoice_issue", invoice.pk))

    assert response.status_code == 400
    assert "Add at least one line" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.number is None


def test_a_bad_line_is_refused(client, piotr, acme):
    invoice = make_invoice(owner=acme, issue=False)
    client.force_login(piotr)

    response = client.post(
        url("invoice_line_add", invoice.pk), {"description": "", "quantity": "0", "unit_price": "x"}
    )

    assert response.status_code == 400 and invoice.lines.count() == 1


def test_the_invoice_list_filters_by_status_and_overdue_in_few_queries(
    client, piotr, acme, marija, django_assert_max_num_queries
):
    from backoffice.billing.services import billing_mark_overdue

    for _ in range(5):
        make_invoice(owner=acme)
    make_invoice(owner=marija, issue=False)
    billing_mark_overdue(today=make_invoice(owner=acme).due_date.replace(year=2027))
    client.force_login(piotr)

    with django_assert_max_num_queries(8):
        everything = client.get(url("invoices"))
    drafts = client.get(url("invoices"), {"status": "draft"})
    overdue = client.get(url("invoices"), {"overdue": "on"})

    assert len(everything.context["invoices"]) == 7
    assert len(drafts.context["invoices"]) == 1
    assert len(overdue.context["invoices"]) == 6


def test_the_subscription_and_plan_lists_run_few_queries(
    client, piotr, acme, marija, business_plan, django_assert_max_num_queries
):
    from backoffice.billing.services import subscription_create

    subscription_create(plan=business_plan, organization=acme, start_date=marija.created_at.date(), by=None)
    subscription_create(plan=business_plan, customer=marija, start_date=marija.created_at.date(), by=None)
    client.force_login(piotr)

    with django_assert_max_num_queries(8):
        assert client.get(url("subscriptions")).content.decode().count('data-testid="subscription-row"') == 2
    with django_assert_max_num_queries(8):
        assert client.get(url("plans")).status_code == 200


def test_the_invoice_page_runs_a_fixed_number_of_queries(client, piotr, acme, django_assert_max_num_queries):
    invoice = make_invoice(owner=acme, lines=[(1, "10.00")] * 10)
    client.force_login(piotr)

    with django_assert_max_num_queries(10):
        assert client.get(invoice.get_absolute_url()).status_code == 200


def test_the_back_office_home_links_to_billing(client, piotr):
    client.force_login(piotr)

    assert url("invoices") in client.get(reverse("backoffice:home")).content.decode()


def test_a_billing_question_is_linked_to_the_invoice_and_listed_on_it(client, piotr, acme, marija):
    from tests.factories import make_ticket

    invoice = make_invoice(owner=acme)
    question = make_ticket(requester=marija, subject="Why 121 EUR?")
    stranger = make_ticket(subject="Not about Acme")
    client.force_login(piotr)

    linked = client.post(url("ticket_link", invoice.pk), {"ticket": question.pk})
    refused = client.post(url("ticket_link", invoice.pk), {"ticket": stranger.pk})
    unknown = client.post(url("ticket_link", invoice.pk), {"ticket": 999999})

    assert (linked.status_code, refused.status_code, unknown.status_code) == (302, 400, 400)
    assert list(invoice.tickets.all()) == [question]
    assert list(question.invoices.all()) == [invoice]
    assert "Why 121 EUR?" in client.get(invoice.get_absolute_url()).content.decode()
