"""Residents are listed in pinyin order of their names within a village (finding 13 of issue 9), on both databases."""

from yizhan.core.scoping import scopes_disabled
from yizhan.tests.factories import PersonFactory


def test_the_residents_list_is_in_pinyin_order(world, client_for):
    with scopes_disabled():
        for name in ["王芳", "陈静", "张丽", "李娜", "安琪"]:
            PersonFactory(name=name)
    html = client_for(world.users["station_manager"]).get("/people/").content.decode()
    positions = [html.index(name) for name in ["安琪", "陈静", "李娜", "王芳", "张丽"]]
    assert positions == sorted(positions)
