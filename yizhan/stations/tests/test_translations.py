from pathlib import Path

from django.utils import translation

from yizhan.stations.models import Status

PO = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_chinese_catalogue_is_complete():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = []
    for entry in entries:
        lines = entry.strip().splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("msgstr")]
        for start in starts:
            value = lines[start].split(" ", 1)[1] + "".join(line for line in lines[start + 1 :] if line.startswith('"'))
            if value.replace('"', "") == "":
                untranslated.append(entry)
    assert "#, fuzzy" not in text
    assert untranslated == []


def test_ui_speaks_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert str(Status.OPERATING.label) == "运行中"
    with translation.override("en"):
        assert str(Status.OPERATING.label) == "Operating"
