"""KB search: PostgreSQL full text with one stored vector per translation, in that language's own
text search configuration (stemming), GIN-indexed and ranked; LIKE on SQLite.

PostgreSQL 15 ships Snowball stemmers for English, Finnish and Lithuanian; Latvian and Polish have
none, so they use 'simple' (no stemming). The configuration is chosen from what the server has
(`pg_ts_config`), so a server without one of them falls back to 'simple' too.
"""

import re
from collections import defaultdict
from functools import cache

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

PREFERRED_CONFIGS = {"en": "english", "fi": "finnish", "lt": "lithuanian", "lv": "latvian", "pl": "polish"}
MAX_RESULTS = 50
# ts_headline marks matches with these (never found in text), replaced by <mark> once escaped.
MARK_START, MARK_STOP = "\x02", "\x03"
SNIPPET_WORDS = 35

# The config is a query parameter cast to regconfig; nothing is formatted into the SQL.
INDEX_SQL = """
    UPDATE kb_articletranslation SET search_vector =
        setweight(to_tsvector(%s::regconfig, title), 'A')
        || setweight(to_tsvector(%s::regconfig, body_text), 'B')
    WHERE id = %s"""


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@cache
def _available_configs(alias: str) -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        return frozenset(row[0] for row in cursor.fetchall())


def search_config(language: str) -> str:
    """The text search configuration for `language`: its stemmer where PostgreSQL has one."""
    wanted = PREFERRED_CONFIGS.get(language, "simple")
    if is_postgres() and wanted in _available_configs(connection.alias):
        return wanted
    return "simple"


def index_translation(translation) -> None:
    if is_postgres():
        config = search_config(translation.language)
        with connection.cursor() as cursor:
            cursor.execute(INDEX_SQL, [config, config, translation.pk])


def search_translations(translations, text: str, *, language: str):
    """`translations` (already limited to what the reader may see) in `language` matching `text`,
    best first."""
    text = text.strip()
    translations = translations.filter(language=language)
    if not text:
        return translations.none()
    if not is_postgres():
        matches = Q()
        for word in text.split():
            matches &= Q(title__icontains=word) | Q(body_text__icontains=word)
        return translations.filter(matches).order_by("-updated_at", "-id")[:MAX_RESULTS]
    query = SearchQuery(text, search_type="websearch", config=search_config(language))
    return (
        translations.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-updated_at", "-id")[:MAX_RESULTS]
    )


def _words(text: str) -> list[str]:
    # Only word characters reach the raw tsquery below: no operator or quote can be smuggled in.
    return re.findall(r"\w+", text)[:8]


def suggest_translations(translations, text: str, *, language: str):
    """Like `search_translations`, but each word may be the start of a word (the reader is still
    typing: "rout" finds "router"), best first."""
    translations = translations.filter(language=language)
    words = _words(text)
    if not words:
        return translations.none()
    if not is_postgres():
        matches = Q()
        for word in words:
            matches &= Q(title__icontains=word) | Q(body_text__icontains=word)
        return translations.filter(matches).order_by("-updated_at", "-id")
    raw = " & ".join(f"{word}:*" for word in words)
    query = SearchQuery(raw, search_type="raw", config=search_config(language))
    return (
        translations.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-updated_at", "-id")
    )


def _marked(text: str) -> SafeString:
    return mark_safe(escape(text).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>"))  # noqa: S308


def highlight(results: list, text: str) -> None:
    """Give each search result `title_html` and `snippet_html`: its title and the passage that
    matches, escaped, with the matched words in <mark>. One query per language among the results."""
    by_language = defaultdict(list)
    for result in results:
        by_language[result.language].append(result)
    for language, group in by_language.items():
        headlines = _headlines(group, text, language) if is_postgres() else {}
        for result in group:
            title, body = headlines.get(result.pk) or (
                result.title,
                Truncator(result.body_text).words(SNIPPET_WORDS),
            )
            result.title_html, result.snippet_html = _marked(title), _marked(body)


def _headlines(group: list, text: str, language: str) -> dict[int, tuple[str, str]]:
    config = search_config(language)
    query = SearchQuery(text, search_type="websearch", config=config)
    marks = {"config": config, "start_sel": MARK_START, "stop_sel": MARK_STOP}
    rows = (
        type(group[0])
        .objects.filter(pk__in=[result.pk for result in group])
        .annotate(
            title_headline=SearchHeadline("title", query, highlight_all=True, **marks),
            body_headline=SearchHeadline(
                "body_text",
                query,
                max_words=SNIPPET_WORDS,
                min_words=15,
                **marks,
            ),
        )
        .values_list("pk", "title_headline", "body_headline")
    )
    return {pk: (title, body) for pk, title, body in rows}
