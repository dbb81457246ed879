"""KB search: PostgreSQL full text with one stored vector per translation, in that language's own
text search configuration (stemming), GIN-indexed and ranked; LIKE on SQLite.

PostgreSQL 15 ships Snowball stemmers for English, Finnish and Lithuanian; Latvian and Polish have
none, so they use 'simple' (no stemming). The configuration is chosen from what the server has
(`pg_ts_config`), so a server without one of them falls back to 'simple' too.
"""

from functools import cache

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q

PREFERRED_CONFIGS = {"en": "english", "fi": "finnish", "lt": "lithuanian", "lv": "latvian", "pl": "polish"}
MAX_RESULTS = 50

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
