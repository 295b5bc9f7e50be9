"""Writes to the region tree: the official import and villages added by town admins."""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.permissions import is_admin_over, require
from yizhan.core.signals import bulk_written

from .models import Region

# File name → (level, column holding the parent's code or None)
IMPORT_FILES = [
    ("provinces.csv", Region.Level.PROVINCE, None),
    ("cities.csv", Region.Level.CITY, "provinceCode"),
    ("areas.csv", Region.Level.COUNTY, "cityCode"),
    ("streets.csv", Region.Level.TOWN, "areaCode"),
    ("villages.csv", Region.Level.VILLAGE, "streetCode"),
]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class _Row:
    code: str
    name: str
    level: int
    parent_code: str | None


def _read_rows(directory: Path, only_prefix: str, report: ImportReport) -> list[_Row]:
    rows: list[_Row] = []
    seen: dict[str, str] = {}
    for filename, level, parent_column in IMPORT_FILES:
        path = directory / filename
        if not path.exists():
            continue
        report.files.append(filename)
        expected_length = Region.CODE_LENGTHS[level]
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                header = reader.fieldnames or []
                missing = [c for c in ["code", "name"] + ([parent_column] if parent_column else []) if c not in header]
                if missing:
                    report.errors.append(
                        _("%(file)s line 1: missing column(s) %(columns)s")
                        % {"file": filename, "columns": ", ".join(missing)}
                    )
                    continue
                for line_number, record in enumerate(reader, start=2):
                    where = _("%(file)s line %(line)d") % {"file": filename, "line": line_number}
                    code = (record.get("code") or "").strip()
                    name = (record.get("name") or "").strip()
                    if only_prefix and not (code.startswith(only_prefix) or only_prefix.startswith(code)):
                        continue
                    if not re.fullmatch(rf"\d{{{expected_length}}}", code):
                        report.errors.append(
                            _("%(where)s: code %(code)r must have %(n)d digits")
                            % {"where": where, "code": code, "n": expected_length}
                        )
                        continue
                    if not name or len(name) > 100:
                        report.errors.append(_("%(where)s: name is missing or too long") % {"where": where})
                        continue
                    parent_code = None
                    if parent_column:
                        parent_code = (record.get(parent_column) or "").strip()
                        if not code.startswith(parent_code) or len(parent_code) != Region.CODE_LENGTHS[level - 1]:
                            report.errors.append(
                                _("%(where)s: parent code %(parent)r does not match code %(code)s")
                                % {"where": where, "parent": parent_code, "code": code}
                            )
                            continue
                    if code in seen:
                        report.errors.append(
                            _("%(where)s: code %(code)s appears twice (first at %(first)s)")
                            % {"where": where, "code": code, "first": seen[code]}
                        )
                        continue
                    seen[code] = where
                    rows.append(_Row(code, name, level, parent_code))
        except (UnicodeDecodeError, csv.Error) as exc:
            report.errors.append(
                _("%(file)s: cannot be read as UTF-8 CSV (%(error)s)") % {"file": filename, "error": exc}
            )
    if not report.files:
        report.errors.append(
            _("No region files (provinces.csv, cities.csv, areas.csv, streets.csv, villages.csv) found.")
        )
    return rows


def regions_import(*, directory, actor=None, only_prefix: str = "") -> ImportReport:
    """Import the official code lists in ``directory``. All or nothing: any bad row means no change at all.

    Idempotent: existing codes are updated only if their name or parent changed.
    """
    report = ImportReport()
    rows = _read_rows(Path(directory), only_prefix, report)
    if report.errors:
        return report
    with transaction.atomic():
        existing = {r.code: r for r in Region.all_objects.all()}
        file_codes = {row.code for row in rows}
        for row in rows:  # parents must exist in the file or in the database
            if row.parent_code and row.parent_code not in file_codes and row.parent_code not in existing:
                report.errors.append(
                    _("Region %(code)s: parent %(parent)s is unknown") % {"code": row.code, "parent": row.parent_code}
                )
        if report.errors:
            return report
        for level in Region.Level:
            level_rows = [row for row in rows if row.level == level]
            to_create, to_update = [], []
            for row in level_rows:
                parent = existing.get(row.parent_code) if row.parent_code else None
                current = existing.get(row.code)
                if current is None:
                    to_create.append(Region(code=row.code, name=row.name, level=row.level, parent=parent))
                elif current.name != row.name or current.parent_id != (parent.pk if parent else None):
                    current.name, current.parent = row.name, parent
                    to_update.append(current)
                else:
                    report.unchanged += 1
            Region.all_objects.bulk_create(to_create, batch_size=2000)
            Region.all_objects.bulk_update(to_update, ["name", "parent"], batch_size=2000)
            report.created += len(to_create)
            report.updated += len(to_update)
            if to_create:
                # Fetch new ids (bulk_create does not return them on every backend).
                for region in Region.all_objects.filter(code__in=[r.code for r in to_create]):
                    existing[region.code] = region
        if report.created or report.updated:
            bulk_written.send(sender=Region)  # figures derived from the regions (coverage rollups) follow
        audit.record(
            actor=actor,
            action=audit.Action.IMPORT,
            target_repr=_("Region import: %(created)d new, %(updated)d changed")
            % {"created": report.created, "updated": report.updated},
            region_code=only_prefix,
            changes={"files": report.files, "created": report.created, "updated": report.updated},
        )
    return report


def region_create_village(*, town: Region, code: str, name: str, created_by) -> Region:
    """A town admin adds a village or community (12-digit code under the town)."""
    if town.level != Region.Level.TOWN:
        raise ValidationError({"parent": _("Villages and communities are added under a town or street.")})
    require(is_admin_over, town)
    code, name = (code or "").strip(), (name or "").strip()
    if not re.fullmatch(r"\d{12}", code):
        raise ValidationError({"code": _("A village code has 12 digits.")})
    if not code.startswith(town.code):
        raise ValidationError({"code": _("The code must start with the town's code %(code)s.") % {"code": town.code}})
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    with transaction.atomic():
        if Region.all_objects.filter(code=code).exists():
            raise ValidationError({"code": _("A region with this code already exists.")})
        region = Region(code=code, name=name, level=Region.Level.VILLAGE, parent=town)
        region.full_clean()
        region.save()
        audit.log_create(created_by, region)
    return region


def region_rename(*, region: Region, name: str, changed_by) -> Region:
    require(is_admin_over, region.parent if region.parent_id else region)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Enter a name of at most 100 characters.")})
    with transaction.atomic():
        before = audit.snapshot(region, fields=["name"])
        region.name = name
        region.save(update_fields=["name"])
        audit.log_update(changed_by, region, before)
    return region
