"""Names in pinyin order on both databases (core/collation.py)."""

import pytest

from yizhan.core.collation import pinyin, pinyin_key
from yizhan.core.scoping import scopes_disabled
from yizhan.regions.models import Region

NAMES = ["王村", "陈村", "张村", "李村", "安村", "阿村"]


def test_the_sort_key_orders_by_pinyin_then_by_tone():
    assert sorted(NAMES, key=pinyin_key) == ["阿村", "安村", "陈村", "李村", "王村", "张村"]
    assert sorted(["张三", "Zoe", "安"], key=pinyin_key) == ["安", "张三", "Zoe"]  # Han first, as ICU does


@pytest.mark.django_db
def test_the_database_orders_names_by_pinyin():
    with scopes_disabled():
        town = Region.all_objects.create(code="990101001", name="测试镇", level=Region.Level.TOWN)
        for i, name in enumerate(NAMES):
            Region.all_objects.create(code=f"990101001{i:03d}", name=name, level=Region.Level.VILLAGE, parent=town)
        ordered = list(Region.all_objects.filter(parent=town).order_by(pinyin("name")).values_list("name", flat=True))
    assert ordered == ["阿村", "安村", "陈村", "李村", "王村", "张村"]
