"""The one pagination bar (templates/pagination.html): page numbers with the current one marked, "…" between, the
filters kept in every link, nothing for a single page."""

import re

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import translation


def bar(rf, number, total=100):
    request = rf.get("/people/", {"q": "王", "page": number})
    page = Paginator(list(range(total)), 10).get_page(number)
    with translation.override("zh-hans"):
        return render_to_string("pagination.html", {"page": page, "request": request})


def test_numbers_around_the_current_page_and_at_both_ends(rf):
    html = bar(rf, 5)
    assert 'aria-current="page" aria-label="第 5 页，共 10 页">5</a>' in html
    shown = re.findall(r">(\d+)</a></li>", html)
    assert shown == ["1", "4", "5", "6", "10"]
    assert html.count("…") == 2
    assert 'href="?q=%E7%8E%8B&amp;page=4"' in html  # the filter is kept
    assert 'rel="prev"' in html
    assert 'rel="next"' in html


def test_first_page_has_no_previous_and_one_page_has_no_bar(rf):
    html = bar(rf, 1)
    assert 'rel="prev"' not in html
    assert 'aria-current="page" aria-label="第 1 页，共 10 页">1</a>' in html
    assert bar(rf, 1, total=5).strip() == ""
