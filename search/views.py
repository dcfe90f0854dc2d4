"""/search/: the results page (login required, like every page of the intranet).

A GET form: the words, the type (links with counts per type), dates from/to and pages.
It works without scripts; the header's box suggests as you type (``search.js``) and
submits here.

Highlights come from the backend as escaped text with ``<mark>`` elements
(:func:`search.backends.base.highlight_html`); :func:`safe_marks` checks that nothing else
is in them before the template renders them as HTML.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.inputs import validate_day
from search import query as search_query
from search.backends.base import Hit
from search.registry import SearchableType, searchable_types


def split_types(values) -> list[str]:
    """``?type=a&type=b`` and ``?type=a,b`` alike -> ``["a", "b"]`` (order kept, no blanks)."""
    keys: list[str] = []
    for value in values:
        for key in str(value).split(","):
            key = key.strip()
            if key and key not in keys:
                keys.append(key)
    return keys


def safe_marks(html: str, plain: str) -> str:
    """``html`` if it is escaped text with only ``<mark>`` elements, else ``plain`` escaped."""
    if not html:
        return escape(plain or "")
    rest = html.replace("<mark>", "").replace("</mark>", "")
    if "<" in rest or ">" in rest:
        return escape(plain or "")
    return html


def hit_data(hit: Hit, registry: dict[str, SearchableType]) -> dict:
    """A hit as the API and the page show it."""
    searchable = registry.get(hit.key)
    day = hit.date
    if isinstance(day, datetime) and timezone.is_naive(day):
        day = timezone.make_aware(day, UTC)  # the index stores UTC
    return {
        "type": hit.key,
        "type_label": str(searchable.label) if searchable else hit.key,
        "id": str(hit.object_id),
        "title": hit.title,
        "title_html": safe_marks(hit.title_html, hit.title),
        "snippet_html": safe_marks(hit.snippet_html, ""),
        "url": hit.url,
        "author": hit.author or "",
        "date": day,
    }


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=search_query.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = forms.MultipleChoiceField(
        label=_("Types"), required=False, widget=forms.MultipleHiddenInput
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_day],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_day],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, registry: dict[str, SearchableType], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(key, str(s.label)) for key, s in registry.items()]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes before the start date."))
        return data


def _page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), search_query.MAX_PAGE)


def _url(params: dict, **changes) -> str:
    merged = {**params, **changes}
    pairs = []
    for key, value in merged.items():
        if value in (None, "", []):
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, item) for item in value)
        else:
            pairs.append((key, value))
    return "?" + urlencode(pairs)


def _ordered(registry: dict[str, SearchableType]) -> list[tuple[str, SearchableType]]:
    """People first, then the other types by label."""
    return sorted(registry.items(), key=lambda item: (not item[1].person, str(item[1].label)))


@require_GET
def results(request):
    registry = searchable_types()
    data = request.GET.copy()
    if "type" in data:
        data.setlist("type", split_types(data.getlist("type")))
    form = SearchForm(data, registry=registry)
    context = {"form": form, "q": "", "results": None, "hits": [], "type_links": []}
    if not form.is_valid():
        return render(request, "search/results.html", context)

    q = " ".join(form.cleaned_data["q"].split())
    types = form.cleaned_data["type"]
    filters = {
        "date_from": form.cleaned_data.get("date_from"),
        "date_to": form.cleaned_data.get("date_to"),
    }
    params = {
        "q": q,
        "type": types,
        "date_from": data.get("date_from") if filters["date_from"] else "",
        "date_to": data.get("date_to") if filters["date_to"] else "",
    }
    context.update(q=q, selected_types=types, filtered=bool(types or any(filters.values())))
    if not q:
        return render(request, "search/results.html", context)

    page = _page_number(request.GET.get("page"))
    try:
        found = search_query.search(
            request.user, q, types=types or None, filters=filters, page=page
        )
        if found.total and page > found.pages:
            page = found.pages
            found = search_query.search(
                request.user, q, types=types or None, filters=filters, page=page
            )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return render(request, "search/results.html", context)

    total_all = sum(found.counts.get(key, 0) for key in registry)
    type_links = [
        {
            "key": "",
            "label": _("All"),
            "count": total_all,
            "url": _url(params, type=[]),
            "current": not types,
        }
    ]
    for key, searchable in _ordered(registry):
        count = found.counts.get(key, 0)
        if count or key in types:
            type_links.append(
                {
                    "key": key,
                    "label": searchable.label,
                    "count": count,
                    "url": _url(params, type=[key]),
                    "current": types == [key] or (key in types and len(types) == 1),
                }
            )
    first = (found.page - 1) * found.per_page + 1 if found.total else 0
    context.update(
        results=found,
        hits=[hit_data(hit, registry) for hit in found.hits],
        type_links=type_links,
        total_all=total_all,
        first=first,
        page=page,
        pages=found.pages,
        previous_url=_url(params, page=page - 1) if page > 1 else "",
        next_url=_url(params, page=page + 1) if page < found.pages else "",
        all_types_url=_url(params, type=[]),
        hidden_by_filters=bool(not found.total and total_all and types),
        capped=found.capped,
    )
    return render(request, "search/results.html", context)
