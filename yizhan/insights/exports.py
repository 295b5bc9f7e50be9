"""Excel export of rollout coverage (openpyxl; cells and file through ``yizhan.core.documents``)."""

from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from yizhan.core.documents import clean_row, new_workbook, workbook_bytes
from yizhan.stations.models import Status


def _status_label(value: str) -> str:
    return str(Status(value).label) if value else str(_("None"))


def _figures_header(first: str) -> list:
    return [
        first,
        str(_("Villages and communities")),
        str(_("With an operating station")),
        str(_("Under construction")),
        str(_("Station planned")),
        str(_("Target date set")),
        str(_("Not started")),
        str(_("With an operating studio")),
        str(_("Coverage rate")),
    ]


def _figures_row(name: str, row) -> list:
    return [
        name,
        row.village_count,
        row.operating_stations,
        row.building_stations,
        row.planned_stations,
        row.targeted,
        row.unplanned,
        row.operating_studios,
        round(row.rate, 4),
    ]


def coverage_workbook(coverage, towns=None) -> bytes:
    """The summary sheet (the region's children, from the rollups) and a detail sheet: a town's villages with their
    stations, studios and plans, or above a town every town under the region (``towns``, from the rollups)."""
    wb, summary = new_workbook(_("Summary"))
    first = str(_("Town / street")) if coverage.is_town else str(coverage.child_level.label)
    summary.append(_figures_header(first))
    rows = [*coverage.rows]
    for row in rows:
        summary.append(clean_row(_figures_row(row.region.name, row)))
    if len(rows) > 1:
        summary.append(_figures_row(str(_("Total")), coverage))
    for row in summary.iter_rows(min_row=2, min_col=9, max_col=9):
        for cell in row:
            cell.number_format = "0.0%"
    if coverage.is_town:
        detail = _village_sheet(wb, coverage)
    else:
        detail = wb.create_sheet(str(_("Towns and streets")))
        detail.append([str(_("Code")), *_figures_header(str(_("Town / street")))])
        for town in towns or []:
            detail.append(clean_row([town.region.code, *_figures_row(town.region.name, town)]))
        for row in detail.iter_rows(min_row=2, min_col=10, max_col=10):
            for cell in row:
                cell.number_format = "0.0%"
    for sheet in (summary, detail):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 18
        sheet.freeze_panes = "A2"
    return workbook_bytes(wb)


def _village_sheet(wb, coverage):
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
    town = coverage.region
    for village in coverage.village_rows:
        station, studio, plan = village.station, village.studio, village.plan
        detail.append(
            clean_row(
                [
                    town.name,
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
    return detail
