import factory

from helpdesk.models import Role, User
from helpdesk.services import user_set_role

PASSWORD = "correct horse battery staple"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = Role.CUSTOMER
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def sync_role(user, create, extracted, **kwargs):
        # Through the service, so groups and admin access match the role as in real life.
        if create:
            user_set_role(user=user, role=user.role)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Organization"

    name = factory.Faker("company")


class CustomerFactory(factory.django.DjangoModelFactory):
    """Customers made as the product makes them: through customer_create, with identities."""

    class Meta:
        model = "customers.Customer"

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.net")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from customers.services import customer_create

        return customer_create(**kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "backoffice.Team"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def members(team, create, extracted, **kwargs):
        if create and extracted:
            team.members.add(*extracted)


def make_ticket(*, requester=None, subject="Printer is on fire", body="It smokes.", by=None, **fields):
    """A ticket made the way the product makes them: through ticket_create."""
    from tickets.services import ticket_create

    requester = requester or CustomerFactory()
    return ticket_create(requester=requester, subject=subject, body=body, by=by, **fields)


class MacroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tickets.Macro"

    name = factory.Sequence(lambda n: f"Macro {n}")
    body = "Hello {{ ticket.requester.first_name }},"


def make_upload(name="report.pdf", content=b"%PDF-1.4 a small report", content_type="application/pdf"):
    """A file as a browser or an email would hand it to us."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)
