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
    """The default (English) name, then one optional name per other language (`name_lt`, …)."""

    name = forms.CharField(label=_("Name (English)"), max_length=100)
    slug = forms.SlugField(label=_("Slug"), max_length=100, required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, language in settings.LANGUAGES:
            if code != settings.LANGUAGE_CODE:
                self.fields[f"name_{code}"] = forms.CharField(
                    label=_("Name in %(language)s") % {"language": language},
                    max_length=100,
                    required=False,
                    help_text=_("Left empty, readers see the English name."),
                )
        self.order_fields(["name", *(key for key in self.fields if key.startswith("name_")), "slug", "order"])

    @staticmethod
    def initial_for(category) -> dict:
        names = {f"name_{code}": value for code, value in (category.names or {}).items()}
        return {"name": category.name, "slug": category.slug, "order": category.order} | names

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        names = {key[len("name_") :]: value for key, value in data.items() if key.startswith("name_")}
        return {"name": data["name"], "slug": data["slug"], "order": data["order"], "names": names}


class ReviewersForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They approve (publish) or send back this article's translations."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = candidates
        self.fields["reviewers"].label_from_instance = lambda user: user.get_full_name() or user.email


class DiffForm(forms.Form):
    old = forms.IntegerField(min_value=1)
    new = forms.IntegerField(min_value=1)
