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
