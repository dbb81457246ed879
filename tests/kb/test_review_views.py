"""The review workflow's pages: assigning reviewers on the article page, "waiting for my review" on
the KB index, approving and sending back with a comment the writer sees."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backoffice.kb.models import ArticleReview, Status
from backoffice.kb.services import translation_save
from tests.factories import UserFactory
from tests.kb.conftest import assign, make_article, publish


def url(translation, tail=""):
    return f"/backoffice/kb/{translation.article_id}/{tail}"


def test_a_writer_assigns_a_reviewer_on_the_article_page(client, piotr, laura):
    translation = make_article(piotr)
    client.force_login(piotr)
    page = client.get(url(translation)).content.decode()
    assert 'data-testid="reviewers-form"' in page
    assert "Laura Bērziņa" in page

    response = client.post(url(translation, "reviewers/"), {"reviewers": [laura.pk]})

    assert response.status_code == 302
    assert list(translation.article.reviewers.all()) == [laura]
    assert "Reviewers: Laura" in client.get(url(translation)).content.decode()


def test_an_agent_or_customer_cannot_be_picked_and_nothing_changes(client, piotr, laura, ona):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    client.force_login(piotr)

    response = client.post(url(translation, "reviewers/"), {"reviewers": [laura.pk, ona.pk]})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert list(translation.article.reviewers.all()) == [laura]


@pytest.mark.parametrize(("persona", "expected"), [("ona", 403), ("alice", 403), (None, 302)])
def test_only_back_office_staff_post_reviewers(client, request, piotr, laura, persona, expected):
    translation = make_article(piotr)
    if persona:
        client.force_login(request.getfixturevalue(persona))

    assert client.post(url(translation, "reviewers/"), {"reviewers": [laura.pk]}).status_code == expected
    assert not translation.article.reviewers.exists()


def test_submitting_without_a_reviewer_shows_why(client, piotr):
    translation = make_article(piotr)
    client.force_login(piotr)

    response = client.post(url(translation, "en/status/"), {"to": "in_review"}, follow=True)

    assert "Assign at least one reviewer" in response.content.decode()
    translation.refresh_from_db()
    assert translation.status == Status.DRAFT


def test_the_reviewer_sees_it_waiting_and_sends_it_back_with_a_comment_the_writer_sees(client, piotr, laura):
    translation = make_article(piotr)
    client.force_login(piotr)
    client.post(url(translation, "reviewers/"), {"reviewers": [laura.pk]})
    client.post(url(translation, "en/status/"), {"to": "in_review"})
    assert 'data-testid="kb-waiting-count">0<' in client.get("/backoffice/kb/").content.decode()

    client.force_login(laura)
    index = client.get("/backoffice/kb/").content.decode()
    assert 'data-testid="kb-waiting-count">1<' in index
    assert 'data-testid="kb-waiting-item"' in index
    article_page = client.get(url(translation)).content.decode()
    assert 'data-testid="send-back-en"' in article_page
    refused = client.post(url(translation, "en/status/"), {"to": "draft", "comment": ""}, follow=True)
    assert "Say what needs to change" in refused.content.decode()
    client.post(url(translation, "en/status/"), {"to": "draft", "comment": "Add the <b>model</b> number."})

    client.force_login(piotr)
    page = client.get(url(translation)).content.decode()
    assert 'data-testid="sent-back-en"' in page
    assert "Add the &lt;b&gt;model&lt;/b&gt; number." in page  # escaped, as typed
    assert ArticleReview.objects.get().reviewer == laura


def test_the_writer_is_not_offered_send_back_or_approve(client, piotr, laura):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    client.force_login(piotr)
    client.post(url(translation, "en/status/"), {"to": "in_review"})

    page = client.get(url(translation)).content.decode()

    assert 'data-testid="send-back-en"' not in page
    assert 'data-testid="publish-en"' not in page
    assert "Waiting for review by Laura" in page


def test_the_index_and_article_page_run_a_fixed_number_of_queries(client, piotr, laura, rasa):
    def add(n):
        for i in range(n):
            translation = make_article(piotr, title=f"Answer {i} {ArticleReview.objects.count()}")
            lt = translation_save(
                article=translation.article,
                language="lt",
                title=f"Atsakymas {translation.pk}",
                body_html="x",
                by=piotr,
            )
            publish(translation, writer=piotr, reviewer=laura)
            assign(translation.article, rasa, by=piotr)
            publish(lt, writer=piotr, reviewer=rasa)
            waiting = make_article(piotr, title=f"Waiting {translation.pk}")
            assign(waiting.article, laura, by=piotr)
            client.force_login(piotr)
            client.post(url(waiting, "en/status/"), {"to": "in_review"})
        return translation

    def count(path):
        client.force_login(laura)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    first = add(1)
    few = count("/backoffice/kb/"), count(url(first))
    last = add(4)
    assert (count("/backoffice/kb/"), count(url(last))) == few


def test_an_inactive_reviewer_does_not_count_for_submitting(client, piotr):
    translation = make_article(piotr)
    gone = UserFactory(role="backoffice")
    assign(translation.article, gone, by=piotr)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    client.force_login(piotr)

    response = client.post(url(translation, "en/status/"), {"to": "in_review"}, follow=True)

    assert "None of the assigned reviewers may approve" in response.content.decode()


@pytest.mark.parametrize("persona", ["ona", "aino", "alice"])
def test_agents_supervisors_and_customers_cannot_approve_through_the_page(
    client, request, piotr, laura, persona
):
    translation = make_article(piotr)
    assign(translation.article, laura, by=piotr)
    client.force_login(piotr)
    client.post(url(translation, "en/status/"), {"to": "in_review"})
    client.force_login(request.getfixturevalue(persona))

    assert client.post(url(translation, "en/status/"), {"to": "published"}).status_code == 403
    assert client.post(url(translation, "en/status/"), {"to": "draft", "comment": "x"}).status_code == 403
    translation.refresh_from_db()
    assert translation.status == Status.IN_REVIEW


def test_an_admin_approves_their_own_text_through_the_page(client, rasa):
    translation = make_article(rasa)
    client.force_login(rasa)
    client.post(url(translation, "reviewers/"), {"reviewers": [rasa.pk]})
    client.post(url(translation, "en/status/"), {"to": "in_review"})

    assert 'data-testid="publish-en"' in client.get(url(translation)).content.decode()
    client.post(url(translation, "en/status/"), {"to": "published"})
    translation.refresh_from_db()
    assert translation.status == Status.PUBLISHED


def test_restoring_the_current_text_adds_no_version_and_says_so(client, piotr):
    translation = make_article(piotr)
    translation_save(
        article=translation.article, language="en", title="Changed", body_html="<p>New</p>", by=piotr
    )
    translation_save(
        article=translation.article,
        language="en",
        title=translation.title,
        body_html=translation.body_html,
        by=piotr,
    )
    client.force_login(piotr)

    response = client.post(url(translation, "en/versions/1/restore/"), follow=True)

    assert "is the current text already" in response.content.decode()
    assert translation.versions.count() == 3
