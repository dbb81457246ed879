"""The KB in the admin: for configuration and support; writing happens at /backoffice/kb/."""

from django.contrib import admin

from backoffice.kb.models import (
    Article,
    ArticleReview,
    ArticleTranslation,
    ArticleUse,
    ArticleVersion,
    Category,
    KbTag,
    SuggestionOpened,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    fields = ["name", "names", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(KbTag)
class KbTagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class TranslationInline(admin.TabularInline):
    model = ArticleTranslation
    fields = ["language", "title", "slug", "status", "view_count", "helpful_yes", "helpful_no"]
    readonly_fields = fields  # edits go through the editor, which sanitises and keeps versions
    extra = 0
    can_delete = False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "visibility", "author", "updated_at"]
    list_filter = ["visibility", "category"]
    raw_id_fields = ["author", "reviewers"]
    inlines = [TranslationInline]


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ["translation", "number", "author", "created_at"]
    readonly_fields = [
        "translation",
        "number",
        "title",
        "body_html",
        "body_text",
        "author",
        "created_at",
        "note",
    ]


@admin.register(ArticleUse)
class ArticleUseAdmin(admin.ModelAdmin):
    list_display = ["article", "ticket", "by", "kind", "at"]
    raw_id_fields = ["article", "translation", "ticket", "by"]


@admin.register(ArticleReview)
class ArticleReviewAdmin(admin.ModelAdmin):
    """Read-only: reviews are the record of who approved or sent back what."""

    list_display = ["translation", "decision", "reviewer", "at"]
    list_filter = ["decision"]
    readonly_fields = ["translation", "version", "reviewer", "decision", "comment", "at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SuggestionOpened)
class SuggestionOpenedAdmin(admin.ModelAdmin):
    """Read-only: the record behind the deflection figure, written by the portal alone."""

    list_display = ["translation", "user", "opened_at", "request_filed_at"]
    list_filter = ["opened_at"]
    list_select_related = ["translation", "user"]
    readonly_fields = ["translation", "user", "session_key", "opened_at", "request_filed_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
