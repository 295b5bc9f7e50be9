from typing import Any

from django import template
from django.template.context import Context
from django.utils.translation import pgettext

from yizhan.core.fields import SensitiveFieldsMixin
from yizhan.core.text import join_sentences

register = template.Library()


@register.filter
def masked(obj: SensitiveFieldsMixin, field_name: str) -> str:
    """{{ user|masked:"mobile" }} → 138****8000 (the masking policy: ``yizhan.core.masking``)"""
    return obj.masked(field_name)


@register.simple_tag(takes_context=True)
def query_replace(context: Context, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (pagination links keep the filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    query: str = params.urlencode()
    return query


@register.inclusion_tag("audit/reveal.html", takes_context=True)
def reveal(context: Context, obj: SensitiveFieldsMixin, field_name: str) -> dict[str, object]:
    """Masked value with a 'show' form (reason required) for users allowed to reveal it."""
    user = context["request"].user
    raw = getattr(obj, field_name)  # only whether there is a value
    return {
        "label": obj._meta.label_lower,
        "pk": obj.pk,
        "field": field_name,
        "masked": obj.masked(field_name),
        "value": None,
        "can_reveal": raw not in (None, "") and obj.can_reveal(user, field_name),
    }


@register.simple_tag
def colon() -> str:
    """The colon after a label in the reader's language: full-width "：" in Chinese, ": " in English."""
    return pgettext("label colon", ": ")


@register.filter
def sentences(messages: Any) -> str:
    """Messages joined as one text in the reader's language (``core.text.join_sentences``)."""
    return join_sentences(messages or [])


@register.simple_tag
def page_numbers(page: Any) -> list[Any]:
    """The page numbers a pagination bar shows: the first and last, two around the current one, "…" between; when
    the count stopped at its cap (``core/pagination.py``), no last page and "…" after the next one."""
    paginator = page.paginator
    if hasattr(paginator, "page_numbers"):
        return list(paginator.page_numbers(page, on_each_side=1, on_ends=1))
    return list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
