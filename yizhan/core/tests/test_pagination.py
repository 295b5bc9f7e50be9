"""The one pagination bar (templates/pagination.html): page numbers with the current one marked, "…" between, the
filters kept in every link, nothing for a single page; counts that stop at the cap, said so (core/pagination.py)."""

import re

import pytest
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from yizhan.core.api import page_of
from yizhan.core.pagination import CappedPaginator, capped_count, paginate
from yizhan.core.scoping import scopes_disabled
from yizhan.regions.models import Region


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


# --- counts that stop at the cap (core/pagination.py) -------------------------------------------------------------


def capped_bar(rf, number, *, total=100, cap=30):
    request = rf.get("/people/", {"page": number})
    page = CappedPaginator(list(range(total)), 10, cap=cap).get_page(number)
    with translation.override("zh-hans"):
        return page, render_to_string("pagination.html", {"page": page, "request": request})


def test_below_the_cap_the_count_and_the_pages_are_exact(rf):
    page, html = capped_bar(rf, 5, total=100, cap=100)
    assert page.paginator.exact is True
    assert page.paginator.count == 100
    assert re.findall(r">(\d+)</a></li>", html) == ["1", "4", "5", "6", "10"]
    assert 'aria-label="第 5 页，共 10 页"' in html
    assert "超过" not in html


def test_above_the_cap_the_count_is_a_lower_bound_said_so_and_there_is_no_last_page(rf):
    page, html = capped_bar(rf, 5, total=100, cap=30)
    assert (page.paginator.exact, page.paginator.count, page.paginator.num_pages) == (False, 30, 3)
    assert list(page.object_list) == list(range(40, 50))  # past the counted rows, pages are still served
    assert page.has_next()
    assert re.findall(r">(\d+)</a></li>", html) == ["1", "4", "5", "6"]  # no last page: it is not known
    assert html.count("…") == 2
    assert 'aria-current="page" aria-label="第 5 页">5</a>' in html  # not "of N"
    assert 'href="?page=6" rel="next"' in html
    assert "超过 30 条（不再计数）" in html


def test_above_the_cap_the_next_page_works_to_the_end_and_past_it_shows_the_last_counted_page(rf):
    page, html = capped_bar(rf, 10, total=100, cap=30)
    assert list(page.object_list) == list(range(90, 100))
    assert not page.has_next()
    assert 'rel="next"' not in html
    assert re.findall(r">(\d+)</a></li>", html) == ["1", "9", "10"]
    assert page.end_index() == 100
    beyond, _ = capped_bar(rf, 11, total=100, cap=30)
    assert beyond.number == 3
    assert capped_bar(rf, "x", total=100, cap=30)[0].number == 1


@pytest.mark.django_db
def test_a_queryset_is_counted_no_further_than_the_cap(django_assert_num_queries):
    with scopes_disabled():
        Region.all_objects.bulk_create([Region(code=f"3301091138{n:02d}", name=f"村{n}", level=5) for n in range(12)])
        rows = Region.all_objects.order_by("code")
        total = rows.count()
        with django_assert_num_queries(1) as captured:
            assert capped_count(rows, 5) == (5, False)
        assert "LIMIT 6" in captured.captured_queries[0]["sql"]
        assert "ORDER BY" not in captured.captured_queries[0]["sql"]
        assert capped_count(rows, total) == (total, True)


@pytest.mark.django_db
@override_settings(PAGE_COUNT_CAP=5)
def test_pages_and_api_lists_use_the_same_cap(rf):
    with scopes_disabled():
        Region.all_objects.bulk_create([Region(code=f"3301091139{n:02d}", name=f"村{n}", level=5) for n in range(12)])
        rows = Region.all_objects.filter(code__startswith="3301091139").order_by("code")
        page = paginate(rf.get("/", {"page": 3}), rows, per_page=5)
        assert (page.paginator.count, page.paginator.exact) == (5, False)
        assert [r.name for r in page.object_list] == ["村10", "村11"]
        assert not page.has_next()
        meta, items = page_of(rows, 10, 5)
        assert meta == {"count": 5, "count_exact": False, "offset": 10, "limit": 5}
        assert [r.name for r in items] == ["村10", "村11"]
        meta, items = page_of(rows.filter(code__endswith="1"), 0, 5)
        assert meta == {"count": 2, "count_exact": True, "offset": 0, "limit": 5}
