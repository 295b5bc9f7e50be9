"""Documents of the volunteers' work: a volunteer's certificate of hours (PDF, ``core.pdf``) and the confirmed hours
per station and town (Excel, ``core.documents``). Only confirmed hours count."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yizhan.core.documents import clean_row, new_workbook, workbook_bytes
from yizhan.core.pdf import PdfDocument

from .models import ShiftSignup

if TYPE_CHECKING:
    from yizhan.core.types import User


def _d(value: date) -> str:
    return formats.date_format(value, "Y-m-d")


def _hours(minutes: int | None) -> str:
    return f"{(minutes or 0) / 60:.1f}"


def certificate_pdf(*, user: User, signups: list[ShiftSignup], start: date, end: date) -> bytes:
    """The certificate of confirmed hours: name, station(s), period, total, the activities, the issue date."""
    stations = list(dict.fromkeys(s.shift.activity.station.display_name for s in signups))
    total = sum(s.minutes or 0 for s in signups)
    doc = PdfDocument(
        title=_("Certificate of volunteer hours"),
        author=_("Women's federation"),
        footer=_("Only hours confirmed by the station's manager are counted."),
    )
    doc.heading(_("Certificate of volunteer hours"))
    doc.fields(
        [
            (_("Volunteer"), user.name or user.username),
            (_("Station"), "、".join(stations) or "—"),
            (_("Period"), f"{_d(start)} – {_d(end)}"),
            (_("Confirmed hours"), _("%(hours)s hours") % {"hours": _hours(total)}),
            (_("Issued on"), _d(timezone.localdate())),
        ]
    )
    doc.spacer()
    rows: list[list[str]] = [[_("Date"), _("Activity"), pgettext("shift", "Role"), _("Hours")]]
    for s in signups:
        rows.append(
            [
                _d(timezone.localtime(s.shift.starts_at).date()),
                s.shift.activity.title,
                str(s.shift.get_role_display()),
                _hours(s.minutes),
            ]
        )
    if len(rows) == 1:
        rows.append(["—", _("No confirmed hours in this period."), "", ""])
    doc.table(rows, header=True)
    doc.spacer()
    doc.paragraph(_("Thank you for your service to the women and children of the village."))
    return doc.build()


def hours_workbook(*, by_station: list[dict], by_volunteer: list[dict], start: date, end: date) -> bytes:
    """Confirmed hours per town and station, and per volunteer and station, for the period."""
    wb, ws = new_workbook(_("Hours per station"))
    ws.append(clean_row([_("Period"), f"{_d(start)} – {_d(end)}"]))
    ws.append(clean_row([_("Town"), _("Village"), _("Station"), _("Volunteers"), _("Shifts"), _("Confirmed hours")]))
    towns: dict[str, float] = {}
    for row in by_station:
        hours = round((row["minutes"] or 0) / 60, 1)
        town = row["shift__activity__station__region__parent__name"] or ""
        towns[town] = towns.get(town, 0) + hours
        name = row["shift__activity__station__brand_name"] or row["shift__activity__station__name"]
        ws.append(
            clean_row(
                [town, row["shift__activity__station__region__name"], name, row["volunteers"], row["shifts"], hours]
            )
        )
    towns_sheet = wb.create_sheet(_("Hours per town"))
    towns_sheet.append(clean_row([_("Town"), _("Confirmed hours")]))
    for town, hours in towns.items():
        towns_sheet.append(clean_row([town, round(hours, 1)]))
    people = wb.create_sheet(_("Hours per volunteer"))
    people.append(clean_row([_("Station"), _("Volunteer"), _("Shifts"), _("Confirmed hours")]))
    for row in by_volunteer:
        station = row["shift__activity__station__brand_name"] or row["shift__activity__station__name"]
        people.append(
            clean_row(
                [
                    station,
                    row["volunteer__name"] or row["volunteer__username"],
                    row["shifts"],
                    round((row["minutes"] or 0) / 60, 1),
                ]
            )
        )
    return workbook_bytes(wb)
