"""Excel import of residents: upload → check every row → preview with errors → confirm the valid rows.

The parsed rows wait in an ``ImportBatch`` as encrypted JSON. Re-importing a file changes nothing: rows whose
person is already registered (same ID number, or same name + birth date + village) are skipped.
"""

import hashlib
import io
import json
import re
import zipfile
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.styles import Font

from yizhan.accounts.models import Role
from yizhan.audit import services as audit
from yizhan.audit.models import AuditLog
from yizhan.core.crypto import blind_index
from yizhan.core.documents import clean_row, new_workbook, workbook_bytes
from yizhan.core.masking import mask
from yizhan.core.permissions import require
from yizhan.core.scoping import require_scope
from yizhan.core.text import join_sentences
from yizhan.regions.models import Region

from ..models import ImportBatch, Person
from ..permissions import can_write_residents_in, works_with_residents
from ..validators import MOBILE_RE, birth_date_from_id, normalize_id_number, normalize_mobile, validate_resident_id

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20000
BATCH = 500
# An .xlsx is a zip archive: refuse archives that unpack to far more than a resident list needs (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_EMPTY_ROWS = 10000

# (key, header label, required)
COLUMNS = [
    ("name", gettext_lazy("Name"), True),
    ("gender", gettext_lazy("Gender"), False),
    ("birth_date", gettext_lazy("Date of birth"), False),
    ("id_type", gettext_lazy("Document type"), False),
    ("id_number", gettext_lazy("Document number"), False),
    ("mobile", gettext_lazy("Mobile number"), False),
    ("address", gettext_lazy("Address"), False),
    ("village", gettext_lazy("Village or community (code or name)"), True),
    ("residency", gettext_lazy("Residency"), False),
    ("notes", gettext_lazy("Notes"), False),
]
KEYS = [c[0] for c in COLUMNS]
LABELS = {key: label for key, label, _required in COLUMNS}


def _norm_header(value) -> str:
    return re.sub(r"[\s*＊:：()（）]", "", str(value or "")).lower()


# Column names people commonly use in their own lists, besides the template's.
EXTRA_HEADERS = {
    "name": ["姓名"],
    "gender": ["性别"],
    "birth_date": ["出生日期", "出生年月日", "生日"],
    "id_type": ["证件类型"],
    "id_number": ["证件号码", "身份证号", "身份证号码", "公民身份号码"],
    "mobile": ["手机号码", "手机号", "联系电话", "手机"],
    "address": ["地址", "住址", "家庭住址"],
    "village": ["村社", "村（社区）", "所属村社", "村社区", "村社代码"],
    "residency": ["户籍类型", "人口类型", "户籍"],
    "notes": ["备注"],
}


def _aliases() -> dict[str, str]:
    aliases = {_norm_header(alias): key for key, names in EXTRA_HEADERS.items() for alias in names}
    for key, label, _required in COLUMNS:
        aliases[_norm_header(key)] = key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                aliases[_norm_header(str(label))] = key
    return aliases


def _choice_aliases(choices) -> dict[str, str]:
    found = {}
    for value, label in choices:
        found[_norm_header(value)] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[_norm_header(str(label))] = value
    return found


EXTRA_GENDER = {"女": "female", "男": "male", "f": "female", "m": "male"}
EXTRA_ID_TYPE = {"身份证": "resident_id", "居民身份证": "resident_id", "护照": "passport", "无": "none"}
EXTRA_RESIDENCY = {
    "户籍": "resident",
    "本地": "resident",
    "外来": "temporary",
    "外来人口": "temporary",
    "流动人口": "temporary",
    "其他": "neither",
}


def template_workbook() -> bytes:
    wb, ws = new_workbook(_("Residents"))
    ws.append([f"{label}{' *' if required else ''}" for _key, label, required in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate([10, 8, 14, 14, 22, 15, 30, 24, 12, 30], start=1):
        ws.column_dimensions[chr(64 + index)].width = width
    help_ws = wb.create_sheet(_("How to fill in"))
    for line in [
        _("One resident per row, from row 2. Columns marked * are required."),
        _("Give the ID number or the date of birth (YYYY-MM-DD); the ID number is checked with its check digit."),
        _("Gender: 女 or 男. Document type: 居民身份证 (default), 护照, 其他, 无."),
        _("Residency: 户籍 (default), 外来, 其他. Village: the 12-digit code or the exact name."),
        _("Rows already registered are skipped, so the same file can be imported again safely."),
    ]:
        help_ws.append([line])
    return workbook_bytes(wb)


def _check_archive(data: bytes) -> None:
    """Refuse what is not a zip archive, or one that unpacks to more than MAX_UNPACKED_BYTES, before reading it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(_("This is not an Excel file (.xlsx). Download the template and fill it in.")) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(_("This Excel file is too large once unpacked. Split it into smaller files."))


def parse_workbook(data: bytes) -> list[dict]:
    """Rows of the first sheet as {key: text}, with their Excel row number. Raises ValidationError."""
    _check_archive(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ValidationError(_("This is not an Excel file (.xlsx). Download the template and fill it in.")) from exc
    try:
        return _read_rows(wb)
    except ValidationError:
        raise
    except Exception as exc:  # a damaged workbook fails only when its sheets are read
        raise ValidationError(_("This is not an Excel file (.xlsx). Download the template and fill it in.")) from exc
    finally:
        wb.close()


def _read_rows(wb) -> list[dict]:
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    aliases = _aliases()
    mapping = {i: aliases[_norm_header(v)] for i, v in enumerate(header or []) if _norm_header(v) in aliases}
    missing = [str(label) for key, label, required in COLUMNS if required and key not in mapping.values()]
    if missing:
        raise ValidationError(
            _("The first row must hold the column names of the template; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    parsed: list[dict[str, int | str]] = []
    empty = 0
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            empty += 1
            if empty > MAX_EMPTY_ROWS:  # the rest of the sheet is padding (or a zip bomb): stop reading
                break
            continue
        empty = 0
        if len(parsed) >= MAX_ROWS:
            raise ValidationError(_("A file may hold at most %(max)s rows.") % {"max": MAX_ROWS})
        row: dict[str, int | str] = {"row": number}
        for index, key in mapping.items():
            value = values[index] if index < len(values) else None
            if isinstance(value, datetime):
                value = value.date().isoformat()
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, float) and value.is_integer():
                value = str(int(value))
            row[key] = "" if value is None else str(value).strip()
        parsed.append(row)
    return parsed


def _parse_date(text: str) -> date:
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time or zone
        except ValueError:
            continue
    raise ValueError(text)


def _allowed_villages(values: set[str]) -> dict[str, Region | None]:
    """Village values of the file → the region (None when unknown, out of scope or ambiguous)."""
    scope = require_scope()
    codes = {v for v in values if v.isdigit()}
    names = values - codes
    found = list(Region.all_objects.filter(level=Region.Level.VILLAGE).filter(Q(code__in=codes) | Q(name__in=names)))

    def writable(region):
        return can_write_residents_in(scope, region)

    result: dict[str, Region | None] = {}
    for value in values:
        matches = [r for r in found if (r.code == value if value.isdigit() else r.name == value) and writable(r)]
        result[value] = matches[0] if len(matches) == 1 else None
    return result


def default_village() -> str:
    scope = require_scope()
    villages = scope.regions_for(Role.STATION_MANAGER)
    return next(iter(villages)) if len(villages) == 1 and not scope.admin_regions else ""


def check_rows(rows: list[dict]) -> list[dict]:
    """Validate each row; mark it ok, exists (already registered: skipped) or error, with messages."""
    maps = {
        "gender": ({**_choice_aliases(Person.Gender.choices), **EXTRA_GENDER}, "unknown"),
        "id_type": ({**_choice_aliases(Person.IdType.choices), **EXTRA_ID_TYPE}, "resident_id"),
        "residency": ({**_choice_aliases(Person.Residency.choices), **EXTRA_RESIDENCY}, "resident"),
    }
    fallback_village = default_village()
    villages = _allowed_villages({(r.get("village") or fallback_village).strip() for r in rows} - {""})
    checked = []
    for raw in rows:
        v = {key: (raw.get(key) or "").strip() for key in KEYS}
        v["village"] = v["village"] or fallback_village
        errors = _check_name(v) + _check_choices(v, maps) + _check_identity(v) + _check_contact(v)
        errors += _check_village(v, villages)
        checked.append(
            {
                "row": raw["row"],
                "values": v,
                "errors": errors,
                "status": "error" if errors else "ok",
                "existing_id": None,
            }
        )
    _mark_duplicates(checked)
    return checked


def _check_name(v: dict) -> list[str]:
    if not v["name"]:
        return [str(_("Name is missing."))]
    if len(v["name"]) > 100:
        return [str(_("The name is longer than 100 characters."))]
    return []


_CHOICE_ERRORS = {
    "gender": gettext_lazy("Gender must be 女 or 男."),
    "id_type": gettext_lazy("Unknown document type."),
    "residency": gettext_lazy("Residency must be 户籍, 外来 or 其他."),
}


def _check_choices(v: dict, maps: dict[str, tuple[dict, str]]) -> list[str]:
    """Map each choice column to its value (blank → the default); unknown values are errors."""
    errors = []
    for key, (aliases, default) in maps.items():
        v[key] = aliases.get(_norm_header(v[key]), default if not v[key] else None)
        if v[key] is None:
            errors.append(str(_CHOICE_ERRORS[key]))
    return errors


def _check_identity(v: dict) -> list[str]:
    """ID number and date of birth: valid, consistent, at least one given; the date is taken from the ID."""
    errors = []
    v["id_number"] = normalize_id_number(v["id_number"])
    born = None
    if v["birth_date"]:
        try:
            born = _parse_date(v["birth_date"])
            if born > timezone.localdate() or born.year < 1900:
                raise ValueError
        except ValueError:
            errors.append(str(_("The date of birth is not a valid date (YYYY-MM-DD).")))
            born = None
    if v["id_type"] == "resident_id" and v["id_number"]:
        try:
            validate_resident_id(v["id_number"])
        except ValidationError as exc:
            errors.extend(str(m) for m in exc.messages)
        else:
            from_id = birth_date_from_id(v["id_number"])
            if born and born != from_id:
                errors.append(str(_("The date of birth does not match the ID number.")))
            born = from_id
    elif v["id_type"] not in ("resident_id", "none", None) and not v["id_number"]:
        errors.append(str(_("The document number is missing.")))
    if not v["id_number"] and born is None and not v["birth_date"]:
        errors.append(str(_("Give the ID number or the date of birth.")))
    v["birth_date"] = born.isoformat() if born else ""
    return errors


def _check_contact(v: dict) -> list[str]:
    errors = []
    if v["mobile"]:
        v["mobile"] = normalize_mobile(v["mobile"])
        if not MOBILE_RE.match(v["mobile"]):
            errors.append(str(_("The mobile number must have 11 digits and start with 1.")))
    for key, limit in (("address", 200), ("notes", 1000)):
        if len(v[key]) > limit:
            errors.append(str(_("The %(column)s is too long.") % {"column": LABELS[key]}))
    return errors


def _check_village(v: dict, villages: dict[str, Region | None]) -> list[str]:
    region = villages.get(v["village"]) if v["village"] else None
    v["region_id"] = region.pk if region else None
    v["region_code"] = region.code if region else ""
    if not v["village"]:
        return [str(_("The village or community is missing."))]
    if region is None:
        return [str(_("Unknown village or community, or not one you manage: %(village)s.") % {"village": v["village"]})]
    return []


def _mark_duplicates(checked: list[dict]) -> None:
    scope = require_scope()
    managed = scope.regions_for(Role.STATION_MANAGER)

    def visible(code):
        return scope.unrestricted or scope.covers_region(code, admin_only=True) or code in managed

    seen_ids: dict[str, int] = {}
    seen_identity: dict[tuple[str, str, int], int] = {}
    candidates = [r for r in checked if r["status"] == "ok"]
    for r in candidates:
        v = r["values"]
        r["id_index"] = blind_index("id_number", v["id_number"]) if v["id_number"] else ""
        identity = (v["name"], v["birth_date"], v["region_id"]) if v["birth_date"] else None
        first = seen_ids.get(r["id_index"]) if r["id_index"] else None
        first = first or (seen_identity.get(identity) if identity else None)
        if first:
            r["status"] = "error"
            r["errors"].append(str(_("Same person as row %(row)s of this file.") % {"row": first}))
            continue
        if r["id_index"]:
            seen_ids[r["id_index"]] = r["row"]
        if identity:
            seen_identity[identity] = r["row"]
    live = [r for r in candidates if r["status"] == "ok"]
    by_index, by_identity = {}, {}
    indexes = [r["id_index"] for r in live if r["id_index"]]
    for start in range(0, len(indexes), 2000):
        for pk, index, code in Person.all_objects.filter(
            id_number_index__in=indexes[start : start + 2000], anonymised_at__isnull=True
        ).values_list("pk", "id_number_index", "region__code"):
            by_index[index] = (pk, code)
    names = sorted({r["values"]["name"] for r in live if r["values"]["birth_date"]})
    for start in range(0, len(names), 2000):
        for pk, name, born, region_id, code in Person.all_objects.filter(
            name__in=names[start : start + 2000], birth_date__isnull=False, anonymised_at__isnull=True
        ).values_list("pk", "name", "birth_date", "region_id", "region__code"):
            if born is None:  # filtered out above; narrows the type
                continue
            by_identity[(name, born.isoformat(), region_id)] = (pk, code)
    for r in live:
        v = r["values"]
        match = by_index.get(r["id_index"]) if r["id_index"] else None
        match = match or by_identity.get((v["name"], v["birth_date"], v["region_id"]))
        if match is None:
            continue
        pk, code = match
        if visible(code):
            r["status"] = "exists"
            r["existing_id"] = pk
        else:
            r["status"] = "error"
            r["errors"].append(str(_("This person is already registered in another place.")))


def import_preview(*, actor, file_name: str, data: bytes) -> ImportBatch:
    require(works_with_residents)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    rows = check_rows(parse_workbook(data))
    if not rows:
        raise ValidationError(_("The file holds no residents: fill in the template from row 2."))
    for r in rows:
        r.pop("id_index", None)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("ok", "exists", "error")}
    batch = ImportBatch(
        created_by=actor,
        file_name=(file_name or "upload.xlsx")[:200],
        file_hash=hashlib.sha256(data).hexdigest(),
        payload=json.dumps(rows, ensure_ascii=False),
        total_rows=len(rows),
        valid_rows=counts["ok"],
        existing_rows=counts["exists"],
        error_rows=counts["error"],
    )
    with transaction.atomic():
        batch.save()
        audit.record(
            actor=actor,
            action=AuditLog.Action.CREATE,
            target=batch,
            region_code="",
            changes={"file_name": [None, batch.file_name], **{key: [None, n] for key, n in counts.items()}},
        )
    return batch


def import_confirm(*, actor, batch: ImportBatch) -> int:
    """Import the rows that are (still) valid and new. Returns how many people were created."""
    with transaction.atomic():
        # Lock the upload: a second confirmation (double click, two tabs, two staff) waits, then finds it finished.
        locked = ImportBatch.all_objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None or locked.status != ImportBatch.Status.PREVIEW:
            raise ValidationError(_("This import has already been finished."))
        count = _import_rows(actor=actor, batch=locked)
    batch.refresh_from_db()
    return count


def _import_rows(*, actor, batch: ImportBatch) -> int:
    stored = batch.rows
    # Only the rows the user saw as valid, checked again against the database as it is now.
    raw = [{"row": r["row"], **{k: r["values"].get(k) or "" for k in KEYS}} for r in stored if r["status"] == "ok"]
    rows = check_rows(raw)
    regions = {
        r.pk: r
        for r in Region.all_objects.filter(pk__in={r["values"]["region_id"] for r in rows if r["values"]["region_id"]})
    }
    people = []
    now = timezone.now()
    for r in rows:
        if r["status"] != "ok":
            continue
        v = r["values"]
        person = Person(
            name=v["name"],
            gender=v["gender"],
            birth_date=date.fromisoformat(v["birth_date"]) if v["birth_date"] else None,
            id_type=v["id_type"],
            id_number=v["id_number"],
            mobile=v["mobile"],
            address=v["address"],
            notes=v["notes"],
            region=regions[v["region_id"]],
            residency=v["residency"],
            created_by=actor,
            created_at=now,
        )
        person.mobile_hint = mask("mobile", person.mobile)
        people.append(person)
    try:
        with transaction.atomic():
            for start in range(0, len(people), BATCH):
                Person.all_objects.bulk_create(people[start : start + BATCH])
            audit.log_create_many(actor, people, batch_size=BATCH)
            batch.status = ImportBatch.Status.IMPORTED
            batch.imported_count = len(people)
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "imported_count", "finished_at"])
            audit.record(
                actor=actor,
                action=AuditLog.Action.IMPORT,
                target=batch,
                region_code="",
                changes={
                    "imported": [None, len(people)],
                    "skipped_existing": [None, sum(1 for r in rows if r["status"] == "exists")],
                    "errors": [None, sum(1 for r in rows if r["status"] == "error")],
                },
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("Someone registered some of these people meanwhile. Upload the file again to check it.")
        ) from exc
    return len(people)


def import_discard(*, actor, batch: ImportBatch) -> None:
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ValidationError(_("This import has already been finished."))
    before = audit.snapshot(batch, fields=["status"])
    batch.status = ImportBatch.Status.DISCARDED
    batch.payload = ""
    batch.finished_at = timezone.now()
    with transaction.atomic():
        batch.save(update_fields=["status", "payload", "finished_at"])
        audit.log_update(actor, batch, before)


STATUS_LABELS = {
    "ok": gettext_lazy("Will be imported"),
    "exists": gettext_lazy("Already registered: skipped"),
    "error": gettext_lazy("Error"),
}


def error_report_workbook(batch: ImportBatch) -> bytes:
    """Row-by-row result with masked values, so the user can fix the file."""
    wb, ws = new_workbook(_("Check result"))
    ws.append([_("Row"), _("Name"), _("Document number"), _("Mobile number"), _("Village"), _("Result"), _("Problems")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in batch.rows:
        v = r["values"]
        ws.append(
            clean_row(
                [
                    r["row"],
                    v.get("name", ""),
                    mask("id_number", v.get("id_number", "")),
                    mask("mobile", v.get("mobile", "")),
                    v.get("village", ""),
                    str(STATUS_LABELS[r["status"]]),
                    join_sentences(r["errors"]),
                ]
            )
        )
    return workbook_bytes(wb)
