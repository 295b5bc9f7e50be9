"""Excel export of rollout coverage (openpyxl; cells and file through ``yizhan.core.documents``)."""

from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from yizhan.core.documents import clean_row, new_workbook, workbook_bytes
from yizhan.stations.models import Status


def _status_label(value: str) -> str:
    return str(Status(value).label) if value else str(_("None"))


def coverage_workbook(coverage) -> bytes:
    wb, summary = new_workbook(_("Summary"))
    summary.append(
        [
            str(_("Town / street")),
            str(_("Villages and communities")),
            str(_("With an operating station")),
            str(_("Under construction")),
            str(_("Station planned")),
            str(_("Target date set")),
            str(_("Not started")),
            str(_("With an operating studio")),
            str(_("Coverage rate")),
        ]
    )
    rows = [*coverage.towns]
    for town in rows:
        summary.append(
            clean_row(
                [
                    town.region.name,
                    town.village_count,
                    town.operating_stations,
                    town.building_stations,
                    town.planned_stations,
                    town.targeted,
                    town.unplanned,
                    town.operating_studios,
                    round(town.rate, 4),
                ]
            )
        )
    if len(rows) > 1:
        summary.append(
            [
                str(_("Total")),
                coverage.village_count,
                coverage.operating_stations,
                coverage.building_stations,
                coverage.planned_stations,
                coverage.targeted,
                coverage.unplanned,
                coverage.operating_studios,
                round(coverage.rate, 4),
            ]
        )
    for row in summary.iter_rows(min_row=2, min_col=9, max_col=9):
        for cell in row:
            cell.number_format = "0.0%"

    detail = wb.create_sheet(str(_("Villages")))
    detail.append(
        [
            str(_("Town / street")),
            str(_("Code")),
            str(_("Village or community")),
            str(_("Station")),
            str(_("Station status")),
            str(_("Studio")),
            str(_("Studio status")),
            str(_("Station target date")),
            str(_("Studio target date")),
            str(_("Note")),
        ]
    )
    for town in coverage.towns:
        for village in town.villages:
            station, studio, plan = village.station, village.studio, village.plan
            detail.append(
                clean_row(
                    [
                        town.region.name,
                        village.region.code,
                        village.region.name,
                        station.display_name if station else "",
                        _status_label(village.station_status),
                        studio.display_name if studio else "",
                        _status_label(village.studio_status),
                        plan.station_target if plan and plan.station_target else None,
                        plan.studio_target if plan and plan.studio_target else None,
                        plan.note if plan else "",
                    ]
                )
            )
    for sheet in (summary, detail):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 18
        sheet.freeze_panes = "A2"
    return workbook_bytes(wb)
