"""The KB pages: who may open them, the editor's forms, reading, votes, views, and the ticket's
"insert an article" box."""

import pytest

from backoffice.kb.models import ArticleTranslation, ArticleUse, Status, Visibility
from tests.factories import TeamFactory, make_ticket
from tests.kb.conftest import assign, make_article, publish


@pytest.fixture
def team(ona):
    return TeamFactory(name="First line", members=[ona])


@pytest.fixture
def internal(piotr, laura):
    translation = make_article(piotr, title="Escalation steps", visibility=Visibility.INTERNAL)
    publish(translation, writer=piotr, reviewer=laura)
    return translation


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("piotr", 200), ("rasa", 200), ("ona", 403), ("aino", 403), ("alice", 403), (None, 302)],
)
def test_only_back_office_staff_and_admins_open_the_editor(client, request, persona, expected):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    assert client.get("/backoffice/kb/").status_code == expected
    assert client.get("/backoffice/kb/new/").status_code == expected


@pytest.mark.parametrize(
    ("persona", "public", "internal_", "draft"),
    [
        ("piotr", 200, 200, 200),
        ("ona", 200, 200, 404),
        ("aino", 200, 200, 404),
        ("alice", 200, 404, 404),
        (None, 200, 404, 404),
    ],
)
def test_readers_open_what_their_role_may_read(
    client, request, published, internal, piotr, persona, public, internal_, draft
):
    draft_translation = make_article(piotr, title="Not ready")
    if persona:
        client.force_login(request.getfixturevalue(persona))

    assert client.get(published[0].get_absolute_url()).status_code == public
    assert client.get(internal.get_absolute_url()).status_code == internal_
    assert client.get(draft_translation.get_absolute_url()).status_code == draft


def test_a_writer_creates_an_article_through_the_form_with_sanitised_html(client, piotr):
    client.force_login(piotr)

    response = client.post(
        "/backoffice/kb/new/",
        {
            "language": "en",
            "title": "Wi-Fi",
            "body_html": "<p>Hi<script>x()</script></p>",
            "visibility": "public",
            "tags": "wifi, router",
        },
    )

    translation = ArticleTranslation.objects.get()
    assert response.status_code == 302
    assert translation.body_html == "<p>Hi</p>"
    assert sorted(translation.article.tags.values_list("name", flat=True)) == ["router", "wifi"]


def test_the_form_shows_an_error_for_an_empty_body_and_saves_nothing(client, piotr):
    client.force_login(piotr)

    response = client.post(
        "/backoffice/kb/new/",
        {"language": "en", "title": "Wi-Fi", "body_html": "<script></script>", "visibility": "public"},
    )

    assert response.status_code == 400
    assert "An article needs some text." in response.content.decode()
    assert not ArticleTranslation.objects.exists()


def test_the_writer_is_not_offered_publish_but_the_reviewer_is(client, piotr, laura):
    translation = make_article(piotr)
    client.force_login(piotr)
    client.post(f"/backoffice/kb/{translation.article_id}/reviewers/", {"reviewers": [laura.pk]})
    client.post(f"/backoffice/kb/{translation.article_id}/en/status/", {"to": "in_review"})
    page = client.get(translation.article.get_absolute_url()).content.decode()
    assert 'data-testid="publish-en"' not in page

    client.force_login(laura)
    assert 'data-testid="publish-en"' in client.get(translation.article.get_absolute_url()).content.decode()
    client.post(f"/backoffice/kb/{translation.article_id}/en/status/", {"to": "published"})
    translation.refresh_from_db()
    assert translation.status == Status.PUBLISHED


def test_a_writer_forcing_publish_gets_an_error_and_nothing_changes(client, piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, laura, piotr, by=piotr)
    client.force_login(piotr)
    client.post(f"/backoffice/kb/{translation.article_id}/en/status/", {"to": "in_review"})

    response = client.post(
        f"/backoffice/kb/{translation.article_id}/en/status/", {"to": "published"}, follow=True
    )

    assert "You saved the latest version of this text" in response.content.decode()
    translation.refresh_from_db()
    assert translation.status == Status.IN_REVIEW


def test_the_versions_page_shows_a_diff_and_restores(client, piotr):
    translation = make_article(piotr, body="<p>Old text</p>")
    client.force_login(piotr)
    client.post(
        f"/backoffice/kb/{translation.article_id}/en/edit/",
        {"title": translation.title, "body_html": "<p>New text</p>"},
    )

    page = client.get(f"/backoffice/kb/{translation.article_id}/en/versions/?old=1&new=2").content.decode()
    assert 'class="kb-diff-removed">- Old text' in page
    assert 'class="kb-diff-added">+ New text' in page

    client.post(f"/backoffice/kb/{translation.article_id}/en/versions/1/restore/")
    translation.refresh_from_db()
    assert (translation.body_text, translation.versions.count()) == ("Old text", 3)


def test_reading_counts_a_view(client, published):
    client.get(published[0].get_absolute_url())
    client.get(published[0].get_absolute_url())

    published[0].refresh_from_db()
    assert published[0].view_count == 2


def test_a_reader_votes_once(client, published, alice):
    en = published[0]
    client.post(f"{en.get_absolute_url()}vote/", {"helpful": "yes"})
    client.post(f"{en.get_absolute_url()}vote/", {"helpful": "no"})  # the same anonymous session
    client.force_login(alice)
    client.post(f"{en.get_absolute_url()}vote/", {"helpful": "no"})
    client.post(f"{en.get_absolute_url()}vote/", {"helpful": "no"})

    en.refresh_from_db()
    assert (en.helpful_yes, en.helpful_no) == (1, 1)


def test_agents_find_internal_articles_from_the_desk(client, ona, internal):
    client.force_login(ona)

    page = client.get("/backoffice/kb/desk/?q=escalation").content.decode()

    assert "Escalation steps" in page


def test_an_agent_searches_from_the_ticket_and_the_insert_is_recorded(client, ona, published, team):
    ticket = make_ticket(team=team, subject="Router down")
    client.force_login(ona)

    assert 'data-testid="kb-insert"' in client.get(ticket.get_absolute_url()).content.decode()
    results = client.get(f"/backoffice/kb/desk/tickets/{ticket.pk}/search/?kb_q=router").content.decode()
    assert "Resetting your router" in results
    assert 'data-kb-insert="text"' in results

    response = client.post(
        f"/backoffice/kb/desk/tickets/{ticket.pk}/use/", {"translation": published[0].pk, "kind": "text"}
    )
    client.post(
        f"/backoffice/kb/desk/tickets/{ticket.pk}/use/", {"translation": published[0].pk, "kind": "link"}
    )

    assert response.status_code == 200
    assert "Articles used on this ticket:" in response.content.decode()
    use = ArticleUse.objects.get()
    assert (use.ticket, use.article, use.by, use.kind) == (ticket, published[0].article, ona, "text")


def test_the_article_lists_the_tickets_it_helped_answer(client, ona, piotr, published, team):
    ticket = make_ticket(team=team, subject="Router down")
    client.force_login(ona)
    client.post(
        f"/backoffice/kb/desk/tickets/{ticket.pk}/use/", {"translation": published[0].pk, "kind": "link"}
    )

    used = client.get(f"/backoffice/kb/desk/tickets/{ticket.pk}/used/").content.decode()
    client.force_login(piotr)
    page = client.get(published[0].article.get_absolute_url()).content.decode()

    assert f"#{ticket.pk} Router down" in page
    assert "Articles used on this ticket:" in used
    assert "Resetting your router</a>" in used


def test_an_agent_cannot_record_a_draft_or_on_another_teams_ticket(client, ona, piotr, published, team):
    draft = make_article(piotr, title="Draft")
    own = make_ticket(team=team)
    elsewhere = make_ticket(team=TeamFactory(name="Billing"))
    client.force_login(ona)

    assert (
        client.post(f"/backoffice/kb/desk/tickets/{own.pk}/use/", {"translation": draft.pk}).status_code
        == 404
    )
    on_other = client.post(
        f"/backoffice/kb/desk/tickets/{elsewhere.pk}/use/", {"translation": published[0].pk}
    )
    assert on_other.status_code == 404
    assert not ArticleUse.objects.exists()


def test_the_article_list_and_the_desk_list_run_a_fixed_number_of_queries(client, piotr, laura, ona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n):
        for i in range(n):
            translation = make_article(piotr, title=f"Answer {len(ArticleTranslation.objects.all())} {i}")
            publish(translation, writer=piotr, reviewer=laura)

    add(2)
    few = count(piotr, "/backoffice/kb/"), count(ona, "/backoffice/kb/desk/")
    add(5)
    assert (count(piotr, "/backoffice/kb/"), count(ona, "/backoffice/kb/desk/")) == few
