"""The interface in five languages: switching, remembering, and complete catalogues."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.processes import ROOT

LOCALES = ["lt", "lv", "fi", "pl"]


def test_switching_language_sets_the_cookie_and_saves_the_profile(client, alice, settings):
    client.force_login(alice)

    response = client.post("/i18n/setlang/", {"language": "lt", "next": "/portal/"})

    assert response["Location"] == "/portal/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "lt"
    alice.refresh_from_db()
    assert alice.language == "lt"


def test_pages_render_in_the_chosen_language(client, alice, settings):
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lt"

    response = client.get("/portal/")

    assert b'lang="lt"' in response.content
    assert b"Atsijungti" in response.content  # "Sign out"


def test_an_unknown_language_is_ignored(client, alice):
    client.force_login(alice)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/portal/"})

    alice.refresh_from_db()
    assert alice.language == ""


def test_the_language_switcher_offers_every_language(client, db):
    response = client.get("/accounts/login/")

    for code in ["en", *LOCALES]:
        assert f'value="{code}"'.encode() in response.content


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalogue_is_fully_translated(locale):
    po = ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"
    text = po.read_text()
    entries = text.split("\n\n")[1:]  # the first block is the header

    untranslated = [
        entry for entry in entries if 'msgstr ""' in entry and entry.rstrip().endswith('msgstr ""')
    ]
    fuzzy = [entry for entry in entries if "#, fuzzy" in entry]

    assert untranslated == [], untranslated[:3]
    assert fuzzy == [], fuzzy[:3]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogues_match_their_sources(locale, tmp_path):
    folder: Path = ROOT / "locale" / locale / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"

    subprocess.run(["msgfmt", "--check", "-o", compiled, folder / "django.po"], check=True)  # noqa: S603,S607

    assert compiled.read_bytes() == (folder / "django.mo").read_bytes(), (
        "run `make messages` and commit the .mo"
    )
