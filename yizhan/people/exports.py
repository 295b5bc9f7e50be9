"""Excel export of a filtered person list: masked, or in full (each person's reveal logged) for those allowed.

The masked file shows what the masking policy shows (``yizhan.core.masking``): the age, never the date of birth;
numbers and address masked. The date of birth is a column of the full (audited) export only.

The file is streamed (``core.documents.streamed_xlsx_response``): the people are read and written ``BATCH`` at a
time while the response is sent, so memory stays flat whatever the row count (``PEOPLE_EXPORT_LIMIT`` rows at most;
more is refused, never cut short). Which people are exported is
fixed when the export starts (their ids, in list order); a full export logs each batch's reveals before the batch's
rows are written, so every full value that leaves is logged and nothing is logged that did not leave.
"""

from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from yizhan.audit import services as audit
from yizhan.core.documents import ExportTooLargeError, streamed_xlsx_response

from .models import Person
from .permissions import may_reveal_in

BATCH = 500
REVEALED_FIELDS = "id_number,mobile,address,birth_date"


def _header(*, full: bool) -> list[str]:
    return [
        _("Name"),
        _("Gender"),
        *([_("Date of birth")] if full else []),
        _("Age"),
        _("Document type"),
        _("Document number"),
        _("Mobile number"),
        _("Address"),
        _("Village or community"),
        _("Residency"),
        _("Target groups"),
    ]


def _choice_labels() -> dict[str, dict[str, str]]:
    """The translated labels of the choice fields, looked up once per export (``get_FOO_display`` per row cost
    about a third of the export's time)."""
    return {
        name: {value: str(label) for value, label in Person._meta.get_field(name).flatchoices}
        for name in ("gender", "id_type", "residency")
    }


def _row(p, *, full: bool, revealed: bool, labels: dict[str, dict[str, str]]) -> list:
    """One person's row. In a full export (``full``) a person the actor may no longer see in full (``revealed``
    False) gets masked values and an empty date of birth."""
    if revealed:
        id_number, mobile, address = p.id_number, p.mobile, p.address
    else:
        id_number, mobile, address = p.masked("id_number"), p.masked("mobile"), p.masked("address")
    birth = [p.full_value("birth_date") if revealed else ""] if full else []
    return [
        p.name,
        labels["gender"].get(p.gender, p.gender),
        *birth,
        p.age if p.age is not None else "",
        labels["id_type"].get(p.id_type, p.id_type),
        id_number,
        mobile,
        address,
        p.region.name,
        labels["residency"].get(p.residency, p.residency),
        "、".join(m.group.name for m in getattr(p, "current_groups", [])),
    ]


def _exported_ids(people, *, actor, full: bool) -> list[int]:
    """Ids of the people to export, in list order; with ``full``, PermissionDenied unless the actor may see the full
    values of every one of them; ExportTooLargeError when more than ``PEOPLE_EXPORT_LIMIT`` match (counted no
    further than one past the limit)."""
    limit: int = settings.PEOPLE_EXPORT_LIMIT
    ids, allowed = [], {}
    for pk, region_code, anonymised_at in people.values_list("pk", "region__code", "anonymised_at")[: limit + 1]:
        if len(ids) == limit:
            raise ExportTooLargeError(limit + 1, limit)
        if full:
            if region_code not in allowed:
                allowed[region_code] = may_reveal_in(actor, region_code)
            if anonymised_at is not None or not allowed[region_code]:
                raise PermissionDenied
        ids.append(pk)
    return ids


def _rows(people, ids: list[int], *, actor, full: bool, reason: str) -> Iterator[list]:
    labels = _choice_labels()
    for start in range(0, len(ids), BATCH):
        batch = list(people.filter(pk__in=ids[start : start + BATCH]))
        revealed = set()
        if full:
            # Checked again: a person may have left the actor's reach since the export started.
            shown = [p for p in batch if p.can_reveal(actor, "id_number")]
            with transaction.atomic():
                audit.record_many(
                    actor=actor,
                    action=audit.Action.REVEAL,
                    targets=shown,
                    field=REVEALED_FIELDS,
                    reason=_("Excel export: %(reason)s") % {"reason": reason},
                )
            revealed = {p.pk for p in shown}
        for p in batch:
            yield _row(p, full=full, revealed=p.pk in revealed, labels=labels)


def people_export(*, people, actor, full: bool = False, reason: str = "") -> StreamingHttpResponse:
    """The streamed Excel download of ``people`` (a scoped queryset, in list order). Logs the export now; raises
    PermissionDenied, having logged nothing, when ``full`` and the actor may not see every full value, and
    ExportTooLargeError, having logged nothing, when too many people match."""
    ids = _exported_ids(people, actor=actor, full=full)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=audit.Action.EXPORT,
            target_repr=_("Residents (%(count)s)") % {"count": len(ids)},
            field="full" if full else "masked",
            reason=reason,
            changes={"rows": [None, len(ids)]},
        )
    return streamed_xlsx_response(
        f"residents-{timezone.localdate():%Y%m%d}.xlsx",
        sheet_title=_("Residents"),
        header=_header(full=full),
        rows=_rows(people, ids, actor=actor, full=full, reason=reason),
    )
