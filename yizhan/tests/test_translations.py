"""Every app's Chinese catalogue is complete: no empty and no fuzzy translation."""

from pathlib import Path

import pytest

import yizhan

CATALOGUES = sorted(Path(yizhan.__file__).parent.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_the_apps_have_catalogues():
    assert {po.parts[-5] for po in CATALOGUES} >= {"stations", "mediation", "insights", "portal"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-5])
def test_chinese_catalogue_is_complete(po):
    text = po.read_text(encoding="utf-8")
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
