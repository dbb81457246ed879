"""Article HTML is sanitised before it is stored; every save is a version; diff and restore."""

from backoffice.kb.models import ArticleVersion
from backoffice.kb.selectors import version_diff
from backoffice.kb.services import translation_save, version_restore
from tests.kb.conftest import make_article


def test_scripts_event_handlers_and_javascript_urls_are_stripped_before_storing(piotr):
    dirty = (
        '<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:alert(2)">x</a>'
        '<img src="https://example.com/a.png" onerror="boom()"><a href="https://ok.example/">ok</a></p>'
        "<style>p{}</style><iframe src='https://evil.example'></iframe>"
    )

    translation = make_article(piotr, body=dirty)

    stored = translation.body_html
    for bad in ("<script", "onclick", "onerror", "javascript:", "<style", "<iframe", "alert(1)"):
        assert bad not in stored
    assert '<a href="https://ok.example/"' in stored
    assert "Hello" in translation.body_text
    assert "<script" not in translation.versions.get().body_html


def test_every_save_keeps_a_version_and_an_unchanged_save_adds_none(piotr):
    translation = make_article(piotr, body="<p>One</p>")
    article = translation.article
    translation_save(
        article=article, language="en", title=translation.title, body_html="<p>Two</p>", by=piotr
    )
    translation_save(
        article=article, language="en", title=translation.title, body_html="<p>Two</p>", by=piotr
    )

    assert list(translation.versions.values_list("number", "body_text")) == [(2, "Two"), (1, "One")]


def test_a_diff_shows_added_and_removed_lines(piotr):
    translation = make_article(piotr, title="Router", body="<p>Unplug it.</p><p>Wait.</p>")
    translation_save(
        article=translation.article,
        language="en",
        title="Router reset",
        body_html="<p>Unplug it.</p><p>Wait a minute.</p>",
        by=piotr,
    )
    old, new = ArticleVersion.objects.get(number=1), ArticleVersion.objects.get(number=2)

    lines = [(line.kind, line.text) for line in version_diff(old, new)]

    assert ("removed", "# Router") in lines
    assert ("added", "# Router reset") in lines
    assert ("same", "Unplug it.") in lines
    assert ("removed", "Wait.") in lines
    assert ("added", "Wait a minute.") in lines


def test_restoring_an_old_version_adds_a_new_version_with_its_text(piotr, laura):
    translation = make_article(piotr, body="<p>Original</p>")
    translation_save(
        article=translation.article, language="en", title="Changed", body_html="<p>Wrong</p>", by=piotr
    )

    restored = version_restore(version=translation.versions.get(number=1), by=laura)

    assert restored.body_text == "Original"
    assert restored.title == "Resetting your router"
    latest = restored.versions.first()
    assert (latest.number, latest.author, latest.note) == (3, laura, "Restored from version 1")
