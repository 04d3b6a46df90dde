"""The source's argument: the outline of its themes, and each theme with its passages and the
records that bear it out."""

from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Theme
from .details import _crumbs, _sources


def theme_list(request):
    """The outline: every theme in order, with its statement and its passages."""
    themes = list(Theme.objects.visible_to(request.user).for_list())
    context = {
        "themes": themes,
        "crumbs": [{"label": _("Themes"), "url": None}],
        "sources": _sources(*(theme.citations.all() for theme in themes)),
    }
    return render(request, "catalog/theme_list.html", context)


def cases_of(theme):
    """The cases list filtered by ``theme``: every case that supports it."""
    query = QueryDict(mutable=True)
    query["theme"] = theme.slug
    return f"{reverse('catalog:case_list')}?{query.urlencode()}"


def theme_detail(request, slug):
    theme = get_object_or_404(Theme.objects.for_detail(request.user), slug=slug)
    metrics = list(theme.metrics.all())
    quotes = list(theme.quotes.all())
    themes = list(Theme.objects.visible_to(request.user).only("slug", "title_zh", "title_en"))
    position = next((i for i, other in enumerate(themes) if other.pk == theme.pk), None)
    following = position + 1 if position is not None else len(themes)
    context = {
        "theme": theme,
        "metrics": metrics,
        "quotes": quotes,
        "cases_url": cases_of(theme),
        "previous": themes[position - 1] if position else None,
        "next": themes[following] if following < len(themes) else None,
        "sources": _sources(
            theme.citations.all(),
            *(m.citations.all() for m in metrics),
            *(q.citations.all() for q in quotes),
        ),
        "crumbs": _crumbs(_("Themes"), reverse("catalog:theme_list"), (theme.title_zh, None)),
    }
    return render(request, "catalog/theme_detail.html", context)
