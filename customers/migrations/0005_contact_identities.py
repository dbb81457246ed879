"""Every customer's email address and phone number become identities, which lookups now use.
Where two customers share one, the older keeps it (the other can be merged from the 360° view)."""

from django.db import migrations


def normalise_phone(value: str) -> str:
    digits = "".join(character for character in value if character.isdigit())
    start = value.strip().lstrip("(")
    if digits and start.startswith("00"):
        digits = digits[2:]
    return f"+{digits}" if digits and start.startswith(("+", "00")) else digits


def forwards(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    Identity = apps.get_model("customers", "Identity")
    taken = set(Identity.objects.values_list("kind", "value"))
    batch = []
    for pk, email, phone in Customer.objects.order_by("pk").values_list("pk", "email", "phone").iterator():
        for kind, value in (("email", email.strip().lower()), ("phone", normalise_phone(phone))):
            if value and (kind, value) not in taken:
                taken.add((kind, value))
                batch.append(Identity(customer_id=pk, kind=kind, value=value, verified=False))
        if len(batch) >= 5000:
            Identity.objects.bulk_create(batch)
            batch = []
    Identity.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_customer_profile")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
