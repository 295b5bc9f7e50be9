"""Every app's Chinese catalogue is complete: no empty and no fuzzy translation; one English text has one Chinese
text across the catalogues."""

import gettext
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


def test_one_english_text_has_one_chinese_text_across_the_catalogues():
    """Django merges every app's catalogue into one: a msgid translated differently in two apps would show one app's
    word on the other's pages. A meaning of its own gets a context (``pgettext("party", "Role")``)."""
    seen: dict[object, dict[str, list[str]]] = {}
    for mo in [*CATALOGUES, Path(yizhan.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"]:
        with mo.with_suffix(".mo").open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        app = mo.parts[-5]
        for key, text in catalogue.items():
            if key != "":  # the header
                seen.setdefault(key, {}).setdefault(text, []).append(app)
    clashes = {str(key).replace("\x04", " | "): apps for key, apps in seen.items() if len(apps) > 1}
    assert clashes == {}
