from django.utils import translation

from yizhan.stations.models import Status


def test_ui_speaks_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert str(Status.OPERATING.label) == "运行中"
    with translation.override("en"):
        assert str(Status.OPERATING.label) == "Operating"
