"""Two payments recorded at the same moment on one invoice: the row lock makes the second wait and
see the first, so together they never exceed the balance. Also two invoices issued at once get
different, consecutive numbers."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from backoffice.billing.models import Invoice, InvoiceStatus
from backoffice.billing.services import invoice_issue, payment_record
from tests.billing.conftest import TODAY, make_invoice

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_concurrent_payments_cannot_both_succeed_beyond_the_balance(acme):
    invoice = make_invoice(owner=acme)  # 121.00

    def pay():
        return payment_record(invoice=invoice, amount=Decimal("80.00"), received_on=TODAY, by=None)

    results = run_at_once([pay, pay])

    errors = [result for result in results if isinstance(result, ValidationError)]
    assert len(errors) == 1, results
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.payments.count(), invoice.status) == (
        Decimal("41.00"),
        1,
        InvoiceStatus.ISSUED,
    )


def test_two_concurrent_payments_that_fit_both_succeed_and_pay_the_invoice(acme):
    invoice = make_invoice(owner=acme)

    def pay(amount):
        return lambda: payment_record(invoice=invoice, amount=Decimal(amount), received_on=TODAY, by=None)

    results = run_at_once([pay("100.00"), pay("21.00")])

    assert not [result for result in results if isinstance(result, Exception)], results
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (Decimal("0.00"), InvoiceStatus.PAID)


def test_invoices_issued_at_once_get_consecutive_numbers(acme):
    drafts = [make_invoice(owner=acme, issue=False) for _ in range(4)]

    results = run_at_once(
        [lambda draft=draft: invoice_issue(invoice=draft, by=None, today=TODAY) for draft in drafts]
    )

    assert not [result for result in results if isinstance(result, Exception)], results
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == ["2026-000001", "2026-000002", "2026-000003", "2026-000004"]
