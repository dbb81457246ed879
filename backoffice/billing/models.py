"""Models of the back office's billing: plans, subscriptions, invoices with lines, payments and
credit notes. Money is `Decimal` in a column with two decimal places, always next to a currency.

Writes go through backoffice/billing/services.py; the amounts of an invoice are computed in one place,
backoffice/billing/money.py, and the services copy its `total` and `balance` onto the invoice row so
that lists, filters and the customer's 360° view can sum them in SQL.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import SupportTier

MONEY = {"max_digits": 12, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 2}  # a percentage: 25.50 means 25.5 %
currency_code = RegexValidator(r"^[A-Z]{3}$", _("Enter a three-letter ISO 4217 code such as EUR."))
percentage = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
# The person XOR the organization a subscription, invoice or credit note belongs to.
ONE_OWNER = Q(customer__isnull=False, organization__isnull=True) | Q(
    customer__isnull=True, organization__isnull=False
)


class AccountOwned(models.Model):
    """Belongs to the account of a customer or of an organization (subscriptions, invoices, credit
    notes); the concrete models say which of the two must be set (ONE_OWNER)."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    organization = models.ForeignKey(
        "customers.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )

    class Meta:
        abstract = True

    @property
    def owner(self):
        return self.customer or self.organization

    @staticmethod
    def account_of(customer) -> Q:
        """The customer's own rows and their organization's (a customer inherits its account)."""
        owner = Q(customer=customer)
        if customer.organization_id:
            owner |= Q(organization_id=customer.organization_id)
        return owner


class BillingPeriod(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class PlanKind(models.TextChoices):
    FLAT = "flat", _("Flat fee")
    HOURLY = "hourly", _("Hourly")
    PREPAID_HOURS = "prepaid_hours", _("Prepaid hours")


class Plan(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[currency_code])
    period = models.CharField(
        _("billing period"), max_length=8, choices=BillingPeriod.choices, default=BillingPeriod.MONTH
    )
    # What SLA policies and routing read for the plan's subscribers.
    support_tier = models.CharField(
        _("support tier"), max_length=12, choices=SupportTier.choices, default=SupportTier.STANDARD
    )
    # Hourly and prepaid-hours plans turn logged support time into money (time billing, later).
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices, default=PlanKind.FLAT)
    # Prepaid-hours plans: hours bought with each period's price; billable time draws them down.
    included_hours = models.DecimalField(
        _("included hours per period"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Prepaid-hours plans: the price of an hour beyond the prepaid balance.
    hourly_rate = models.DecimalField(
        _("price per extra hour"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    TRIAL = "trial", _("Trial")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Past due")
    CANCELLED = "cancelled", _("Cancelled")


class Subscription(AccountOwned):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    start_date = models.DateField(_("start date"))
    renewal_date = models.DateField(_("renewal date"))
    status = models.CharField(
        _("status"), max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    # Prepaid-hours plans: minutes still available (topped up at each renewal, drawn down by time).
    prepaid_minutes = models.IntegerField(_("prepaid minutes left"), default=0)
    # Cancelled at the next renewal date instead of at once.
    cancel_at_renewal = models.BooleanField(_("cancel at renewal"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=ONE_OWNER, name="subscription_one_owner")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.owner}"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    OVERDUE = "overdue", _("Overdue")
    VOID = "void", _("Void")


# Issued or overdue: money is still expected.
OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.OVERDUE)


class InvoiceQuerySet(models.QuerySet):
    def open(self) -> "InvoiceQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, *, today: date | None = None) -> "InvoiceQuerySet":
        """Marked overdue by the daily job; with `today`, also open ones already past due before it ran
        (the 360° view and the rules say "overdue" the morning it happens)."""
        if today is None:
            return self.filter(status=InvoiceStatus.OVERDUE)
        return self.filter(Q(status=InvoiceStatus.OVERDUE) | Q(status__in=OPEN_STATUSES, due_date__lt=today))

    def billed_to(self, customer) -> "InvoiceQuerySet":
        return self.filter(AccountOwned.account_of(customer))


class Invoice(AccountOwned):
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    # Given at issue time from InvoiceSequence; drafts have none, so abandoned drafts leave no gaps.
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, db_index=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[currency_code])
    tax_rate = models.DecimalField(_("tax rate (%)"), **RATE, default=Decimal("21.00"), validators=percentage)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=14, validators=[MaxValueValidator(365)]
    )
    # Subscription invoices: the first day of the period billed; one invoice per period.
    period_start = models.DateField(_("period start"), null=True, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Copies of money.invoice_amounts(), refreshed by every service that changes them.
    total = models.DecimalField(_("total"), **MONEY, default=Decimal("0.00"))
    balance = models.DecimalField(_("balance"), **MONEY, default=Decimal("0.00"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Billing questions about this invoice, linked by back-office staff from the invoice page.
    tickets = models.ManyToManyField(
        "tickets.Ticket", verbose_name=_("tickets"), blank=True, related_name="invoices"
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=ONE_OWNER, name="invoice_one_owner"),
            models.UniqueConstraint(
                fields=["subscription", "period_start"],
                condition=Q(period_start__isnull=False) & ~Q(status="void"),
                name="invoice_one_per_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="invoice_status_due_idx")]

    def __str__(self) -> str:
        return self.number or _("Draft invoice %(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("backoffice:billing:invoice", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    # None: the invoice's rate (a line may differ, e.g. a tax-exempt fee).
    tax_rate = models.DecimalField(_("tax rate (%)"), **RATE, null=True, blank=True, validators=percentage)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class InvoiceSequence(models.Model):
    """The last invoice number given in a year: locked while a number is taken, so numbers have no
    gaps and no duplicates even when two invoices are issued at once."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("invoice number sequence")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    received_on = models.DateField(_("received on"))
    method = models.CharField(
        _("method"), max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.amount} {self.invoice.currency}"


class CreditNoteStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CreditNote(AccountOwned):
    """Money given back: against an invoice (reduces its balance) or, without one, on the account of
    a customer or organization (goodwill credit, applied by hand to a later invoice). A goodwill
    credit proposed from a ticket above the agent's limit waits for a supervisor's approval."""

    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code])
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=8, choices=CreditNoteStatus.choices, default=CreditNoteStatus.APPROVED
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="credit_notes"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False) | ONE_OWNER, name="credit_note_has_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class TimeEntry(models.Model):
    """Support time an agent spent on a ticket. Billable time of customers on an hourly plan becomes
    an invoice line at their next subscription invoice (then `invoice_line` is set)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="time_entries")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    minutes = models.PositiveIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    billable = models.BooleanField(_("billable"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    logged_at = models.DateTimeField(default=timezone.now)
    invoice_line = models.ForeignKey(
        InvoiceLine, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    # Prepaid-hours plans: the subscription whose balance this entry drew down, and by how much; the
    # rest of a billable entry (when the balance ran out) is billed at the plan's hourly rate.
    prepaid_subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="drawn_time"
    )
    prepaid_minutes = models.PositiveIntegerField(_("prepaid minutes drawn"), default=0)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["logged_at", "pk"]
        indexes = [
            models.Index(
                fields=["ticket"],
                condition=Q(billable=True, invoice_line__isnull=True),
                name="time_unbilled_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min"


class RunningTimer(models.Model):
    """An agent's start/stop clock on a ticket; stopping it logs a TimeEntry and deletes the row."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="running_timers")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()

    class Meta:
        verbose_name = _("running timer")
        verbose_name_plural = _("running timers")
        constraints = [models.UniqueConstraint(fields=["ticket", "agent"], name="one_timer_per_agent_ticket")]

    def __str__(self) -> str:
        return f"{self.agent} · {self.ticket_id}"
