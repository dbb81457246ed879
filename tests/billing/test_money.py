"""The one function that computes an invoice's amounts: rounding half up per line, tax rates of our
countries, payments, credit notes and void invoices."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from backoffice.billing.money import invoice_amounts, line_amounts, to_cents


@dataclass
class Line:
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal | None = None


def D(value: str) -> Decimal:
    return Decimal(value)


def test_half_a_cent_rounds_up():
    assert to_cents(D("0.005")) == D("0.01")
    assert to_cents(D("0.004999")) == D("0.00")
    assert to_cents(D("2.675")) == D("2.68")  # a float would give 2.67


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_cents(0.1)


@pytest.mark.parametrize(
    ("country", "rate", "net", "tax"),
    [
        ("LT", "21", "99.99", "21.00"),  # 20.9979
        ("LV", "21", "10.05", "2.11"),  # 2.1105
        ("FI", "25.5", "10.10", "2.58"),  # 2.5755
        ("PL", "23", "0.50", "0.12"),  # 0.115 half up
        ("none", "0", "12.34", "0.00"),
    ],
)
def test_the_tax_of_a_line_is_rounded_half_up_for_each_country(country, rate, net, tax):
    amounts = line_amounts(quantity=D("1"), unit_price=D(net), tax_rate=D(rate))

    assert (amounts.net, amounts.tax) == (D(net), D(tax))


def test_each_line_is_rounded_before_the_lines_are_added():
    # Three lines of 0.333 × 1 would be 1.00 (rounded once); rounded per line they are 0.99.
    lines = [Line(D("1"), D("0.333"))] * 3
    amounts = invoice_amounts(currency="EUR", tax_rate=D("21"), lines=lines)

    assert amounts.subtotal == D("0.99")
    assert amounts.tax == D("0.21")  # 0.07 × 3, each line's tax rounded on its own
    assert amounts.total == D("1.20")


def test_a_line_may_have_its_own_rate():
    lines = [Line(D("2"), D("50.00")), Line(D("1"), D("10.00"), tax_rate=D("0"))]

    amounts = invoice_amounts(currency="EUR", tax_rate=D("25.5"), lines=lines)

    assert (amounts.subtotal, amounts.tax, amounts.total) == (D("110.00"), D("25.50"), D("135.50"))


def test_fractional_quantities_round_the_line():
    amounts = line_amounts(quantity=D("1.5"), unit_price=D("33.33"), tax_rate=D("23"))

    assert (amounts.net, amounts.tax, amounts.gross) == (D("50.00"), D("11.50"), D("61.50"))  # 49.995 → 50.00


def test_an_invoice_without_lines_is_zero():
    amounts = invoice_amounts(currency="EUR", tax_rate=D("21"), lines=[])

    assert (amounts.subtotal, amounts.tax, amounts.total, amounts.balance) == (D("0"),) * 4


def test_partial_payments_and_credit_notes_reduce_the_balance():
    amounts = invoice_amounts(
        currency="EUR",
        tax_rate=D("21"),
        lines=[Line(D("1"), D("100.00"))],
        payments=[D("50.00"), D("20.5")],
        credits=[D("10.00")],
    )

    assert (amounts.total, amounts.paid, amounts.credited, amounts.balance) == (
        D("121.00"),
        D("70.50"),
        D("10.00"),
        D("40.50"),
    )


def test_a_void_invoice_is_owed_nothing():
    amounts = invoice_amounts(currency="EUR", tax_rate=D("21"), lines=[Line(D("1"), D("100"))], void=True)

    assert amounts.total == D("121.00") and amounts.balance == D("0.00")
