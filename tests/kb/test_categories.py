"""Category names per language: edited by back-office staff, read in the reader's language with a
fallback to the English name, at no extra query."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation as i18n

from backoffice.kb.models import Category
from backoffice.kb.services import category_create, category_update
from tests.kb.conftest import make_article, publish


@pytest.fixture
def billing(piotr):
    return category_create(name="Billing", names={"lt": "Sąskaitos", "fi": "Laskutus", "lv": ""}, by=piotr)


def in_language(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_a_category_has_a_name_per_language_and_falls_back_to_english(billing):
    assert billing.names == {"lt": "Sąskaitos", "fi": "Laskutus"}  # an empty name is not kept
    assert billing.name_in("lt") == "Sąskaitos"
    assert billing.name_in("lv") == "Billing"
    with i18n.override("fi"):
        assert str(billing) == "Laskutus"
    with i18n.override("pl"):
        assert str(billing) == "Billing"


def test_updating_a_category_changes_its_names(billing, piotr):
    category_update(
        category=billing,
        name="Invoices",
        slug="billing",
        order=3,
        names={"lt": "Sąskaitos faktūros"},
        by=piotr,
    )

    billing.refresh_from_db()
    assert (billing.name, billing.order, billing.names) == ("Invoices", 3, {"lt": "Sąskaitos faktūros"})


@pytest.mark.parametrize(
    ("names", "field"),
    [({"de": "Rechnungen"}, "names"), ({"en": "Other"}, "names"), ({"lt": "x" * 101}, "name_lt")],
)
def test_bad_names_are_refused_and_nothing_changes(billing, piotr, names, field):
    with pytest.raises(ValidationError) as raised:
        category_update(category=billing, name="Billing", slug="billing", order=0, names=names, by=piotr)

    assert field in raised.value.message_dict
    billing.refresh_from_db()
    assert billing.names == {"lt": "Sąskaitos", "fi": "Laskutus"}


def test_a_slug_taken_by_another_category_is_refused(billing, piotr):
    other = category_create(name="Network", by=piotr)

    with pytest.raises(ValidationError, match="Another category already has this slug"):
        category_update(category=other, name="Network", slug="billing", order=0, names={}, by=piotr)


@pytest.mark.parametrize("persona", ["ona", "alice"])
def test_only_back_office_staff_edit_categories(request, billing, persona):
    with pytest.raises(PermissionDenied):
        category_update(
            category=billing, name="X", slug="x", order=0, names={}, by=request.getfixturevalue(persona)
        )


def test_the_categories_page_edits_the_names(client, piotr, billing):
    client.force_login(piotr)
    page = client.get("/backoffice/kb/categories/").content.decode()
    assert "Sąskaitos" in page

    form = client.get(f"/backoffice/kb/categories/{billing.pk}/").content.decode()
    assert 'value="Laskutus"' in form
    response = client.post(
        f"/backoffice/kb/categories/{billing.pk}/",
        {"name": "Billing", "slug": "billing", "order": 1, "name_lt": "Mokėjimai", "name_pl": "Płatności"},
    )

    assert response.status_code == 302
    billing.refresh_from_db()
    assert billing.names == {"lt": "Mokėjimai", "pl": "Płatności"}


def test_the_category_form_shows_an_error_and_saves_nothing(client, piotr, billing):
    category_create(name="Network", by=piotr)
    client.force_login(piotr)

    response = client.post(
        f"/backoffice/kb/categories/{billing.pk}/", {"name": "Billing", "slug": "network", "order": 0}
    )

    assert response.status_code == 400
    assert "Another category already has this slug." in response.content.decode()
    assert Category.objects.get(pk=billing.pk).slug == "billing"


def test_a_new_category_is_added_with_its_names(client, piotr):
    client.force_login(piotr)

    client.post("/backoffice/kb/categories/", {"name": "Network", "order": 0, "name_lv": "Tīkls"})

    assert Category.objects.get().names == {"lv": "Tīkls"}


@pytest.mark.parametrize(("persona", "expected"), [("ona", 403), ("alice", 403), ("rasa", 200)])
def test_who_may_open_the_category_editor(client, request, billing, persona, expected):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(f"/backoffice/kb/categories/{billing.pk}/").status_code == expected
    assert client.get("/backoffice/kb/categories/").status_code == expected


def test_an_unknown_category_is_a_404(client, piotr):
    client.force_login(piotr)

    assert client.get("/backoffice/kb/categories/999999/").status_code == 404


def test_readers_see_the_category_in_their_language(client, billing, piotr, laura, ona):
    translation = make_article(piotr, category=billing)
    publish(translation, writer=piotr, reviewer=laura)

    lt_page = in_language(client, "lt").get(translation.get_absolute_url()).content.decode()
    assert 'data-testid="kb-category">Sąskaitos<' in lt_page
    pl_page = in_language(client, "pl").get(translation.get_absolute_url()).content.decode()
    assert 'data-testid="kb-category">Billing<' in pl_page

    client.force_login(ona)
    desk = in_language(client, "fi").get("/backoffice/kb/desk/").content.decode()
    assert 'data-testid="kb-category">Laskutus<' in desk
    found = in_language(client, "fi").get("/backoffice/kb/desk/?q=router").content.decode()
    assert 'data-testid="kb-category">Laskutus<' in found  # English text, found by the fallback


def test_the_desk_list_with_categories_runs_a_fixed_number_of_queries(
    client, piotr, laura, ona, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for i in range(n):
            category = category_create(
                name=f"Topic {Category.objects.count()}", names={"lt": "Tema"}, by=piotr
            )
            translation = make_article(piotr, title=f"Answer {category.pk} {i}", category=category)
            publish(translation, writer=piotr, reviewer=laura)

    client.force_login(ona)
    in_language(client, "lt")
    add(2)
    with CaptureQueriesContext(connection) as few:
        assert "Tema" in client.get("/backoffice/kb/desk/").content.decode()
    add(6)
    with django_assert_max_num_queries(len(few)):
        client.get("/backoffice/kb/desk/")
    client.force_login(piotr)
    with CaptureQueriesContext(connection) as few:
        client.get("/backoffice/kb/categories/")
    add(3)
    with django_assert_max_num_queries(len(few)):
        client.get("/backoffice/kb/categories/")
