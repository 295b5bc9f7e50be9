import os
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scopes_disabled
from yizhan.regions.models import Region
from yizhan.regions.services import regions_import


def _divisions() -> Path:
    """The shared reference data: ../shared next to the checkout, or SHARED_DATA_DIR, or the workplace copy."""
    candidates = [
        Path(os.environ.get("SHARED_DATA_DIR", "/nonexistent")) / "divisions",
        Path(__file__).resolve().parents[3].parent / "shared" / "data" / "divisions",
        Path("/work/shared/data/divisions"),
    ]
    return next((p for p in candidates if (p / "streets.csv").exists()), candidates[1])


DIVISIONS = _divisions()
pytestmark = pytest.mark.skipif(not DIVISIONS.exists(), reason="shared reference data not present")


def test_all_of_zhejiang_imports_and_reimport_changes_nothing(db, django_assert_max_num_queries):
    with scopes_disabled():
        report = regions_import(directory=DIVISIONS, only_prefix="33")
        assert report.errors == []
        assert Region.objects.filter(code__startswith="33", level=Region.Level.TOWN).count() == 1387
        assert Region.objects.get(code="330109113").name == "瓜沥镇"
        assert Region.objects.get(code="330109113").parent.code == "330109"
        assert Region.objects.get(code="330109").parent.name == "杭州市"
        assert not Region.objects.exclude(code__startswith="33").exists()
        total = Region.objects.count()
        again = regions_import(directory=DIVISIONS, only_prefix="33")
    assert (again.created, again.updated, again.unchanged) == (0, 0, total)


def test_whole_country_imports(db):
    with scopes_disabled():
        report = regions_import(directory=DIVISIONS)
        assert report.errors == []
        assert Region.objects.filter(level=Region.Level.TOWN).count() == 41352
        assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 31


def _copy(tmp_path, *names):
    for name in names:
        shutil.copy(DIVISIONS / name, tmp_path / name)


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_imported(db, tmp_path):
    _copy(tmp_path, "provinces.csv", "cities.csv", "areas.csv")
    (tmp_path / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n"
        '330109113,"瓜沥镇",330109,33,3301\n'
        '33010911X,"坏代码",330109,33,3301\n'
        '330109114,"",330109,33,3301\n'
        '330110001,"错上级",330109,33,3301\n'
        '330109113,"重复",330109,33,3301\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"^4 error\(s\); nothing was imported\.$"):
        call_command("import_regions", str(tmp_path), stderr=(err := _Buffer()), stdout=_Buffer())
    assert err.text.splitlines() == [
        "streets.csv 第 3 行：代码 '33010911X' 应为 9 位数字",
        "streets.csv 第 4 行：名称缺失或过长",
        "streets.csv 第 5 行：上级代码 '330109' 与代码 330110001 不符",
        "streets.csv 第 6 行：代码 330109113 重复（首次出现在 streets.csv 第 2 行）",
    ]
    with scopes_disabled():
        assert Region.objects.count() == 0
        assert AuditLog.objects.count() == 0


def test_missing_column_and_unknown_parent(db, tmp_path):
    (tmp_path / "streets.csv").write_text("code,name\n330109113,瓜沥镇\n", encoding="utf-8")
    with scopes_disabled():
        report = regions_import(directory=tmp_path)
    assert report.errors == ["streets.csv 第 1 行：缺少列 areaCode"]
    (tmp_path / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n330109113,瓜沥镇,330109,33,3301\n", encoding="utf-8"
    )
    with scopes_disabled():
        report = regions_import(directory=tmp_path)
        assert report.errors == ["地区 330109113：上级 330109 不存在"]
        assert Region.objects.count() == 0


def test_empty_directory_and_non_utf8(db, tmp_path):
    with scopes_disabled():
        assert regions_import(directory=tmp_path).errors == [
            "未找到区划文件（provinces.csv、cities.csv、areas.csv、streets.csv、villages.csv）。"
        ]
        (tmp_path / "provinces.csv").write_bytes("code,name\n33,浙江省\n".encode("gbk"))
        assert regions_import(directory=tmp_path).errors == [
            "provinces.csv：无法按 UTF-8 CSV 读取（'utf-8' codec can't decode byte 0xd5 in position 13: "
            "invalid continuation byte）"
        ]
        assert Region.objects.count() == 0


def test_command_success_output_and_audit(db):
    out = _Buffer()
    call_command("import_regions", str(DIVISIONS), "--only", "330109", stdout=out)
    assert out.text == "Imported provinces.csv, cities.csv, areas.csv, streets.csv: 30 new, 0 changed, 0 unchanged.\n"
    with scopes_disabled():
        assert AuditLog.objects.filter(action="import").count() == 1


class _Buffer:
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def flush(self):
        pass

    @property
    def text(self):
        return "".join(self.parts)
