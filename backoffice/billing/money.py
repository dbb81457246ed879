"""The one place where an invoice's amounts are computed.

Rounding rule: every line is rounded to cents on its own, half up (0.005 → 0.01):
    net = round(quantity × unit price), tax = round(net × rate / 100)
and the invoice adds the rounded lines: subtotal = Σ net, tax = Σ tax, total = subtotal + tax.
Summing rounded lines is what a reader of the printed invoice can check with a pencil.
Then: paid = Σ payments, credited = Σ credit notes on the invoice, balance = total − paid − credited
(never below zero); a void invoice is owed nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(value: Decimal) -> Decimal:
    if isinstance(value, float):  # a float has already lost the cents we would round
        raise TypeError("Money must be a Decimal, not a float.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def line_amounts(*, quantity: Decimal, unit_price: Decimal, tax_rate: Decimal) -> LineAmounts:
    net = to_cents(Decimal(quantity) * Decimal(unit_price))
    return LineAmounts(net=net, tax=to_cents(net * Decimal(tax_rate) / 100))


@dataclass(frozen=True)
class InvoiceAmounts:
    currency: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    paid: Decimal
    credited: Decimal
    balance: Decimal
    lines: tuple[LineAmounts, ...] = ()


def invoice_amounts(
    *,
    currency: str,
    tax_rate: Decimal,
    lines: Iterable,
    payments: Iterable[Decimal] = (),
    credits: Iterable[Decimal] = (),
    void: bool = False,
) -> InvoiceAmounts:
    """`lines` are objects with quantity, unit_price and tax_rate (None: the invoice's `tax_rate`)."""
    computed = tuple(
        line_amounts(
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_rate=tax_rate if line.tax_rate is None else line.tax_rate,
        )
        for line in lines
    )
    subtotal = sum((line.net for line in computed), ZERO)
    tax = sum((line.tax for line in computed), ZERO)
    total = subtotal + tax
    paid = sum((to_cents(amount) for amount in payments), ZERO)
    credited = sum((to_cents(amount) for amount in credits), ZERO)
    balance = ZERO if void else max(total - paid - credited, ZERO)
    return InvoiceAmounts(currency, subtotal, tax, total, paid, credited, balance, computed)


def invoice_amounts_of(invoice) -> InvoiceAmounts:
    """The amounts of a saved invoice (its lines, payments and credit notes; prefetch them for lists)."""
    from backoffice.billing.models import InvoiceStatus

    return invoice_amounts(
        currency=invoice.currency,
        tax_rate=invoice.tax_rate,
        lines=invoice.lines.all(),
        payments=[payment.amount for payment in invoice.payments.all()],
        credits=[note.amount for note in invoice.credit_notes.all() if note.status == "approved"],
        void=invoice.status == InvoiceStatus.VOID,
    )
