"""Forms of the KB pages: they parse input; the services validate and write."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from backoffice.kb.models import Category, Visibility


def split_tags(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class TranslationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.CharField(
        label=_("Slug"), max_length=200, required=False, help_text=_("Left empty, it is made from the title.")
    )
    body_html = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "HTML: paragraphs, lists, links, tables and images are kept; scripts and styles are removed."
        ),
    )


class ArticleSettingsForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))


class ArticleCreateForm(ArticleSettingsForm, TranslationForm):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    field_order = ["language", "title", "slug", "body_html", "category", "visibility", "tags"]


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.SlugField(label=_("Slug"), max_length=100, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)


class DiffForm(forms.Form):
    old = forms.IntegerField(min_value=1)
    new = forms.IntegerField(min_value=1)
