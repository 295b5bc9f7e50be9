"""Excel download of the case statistics (openpyxl; cells and file through ``yizhan.core.documents``)."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from yizhan.core.documents import clean_row, new_workbook, workbook_bytes


def statistics_workbook(stats) -> bytes:
    """One summary sheet and one sheet per breakdown, the same figures as the statistics page."""
    wb, summary = new_workbook(_("Summary"))
    summary.append(clean_row([_("Year"), stats.year or _("All years")]))
    summary.append(
        clean_row([_("Studio"), stats.studio.display_name if stats.studio else _("All studios in your scope")])
    )
    summary.append(clean_row([_("Cases"), stats.total]))
    summary.append(clean_row([_("Closed after mediation"), stats.closed]))
    summary.append(clean_row([_("Agreements"), stats.agreements]))
    summary.append(
        clean_row([_("Success rate"), round(stats.success_rate, 4) if stats.success_rate is not None else ""])
    )
    summary["B6"].number_format = "0.0%"
    summary.append(clean_row([_("Average duration (days, accepted → closed)"), stats.average_days or ""]))
    summary.append(clean_row([_("Overdue"), stats.overdue]))
    sheets = [
        (
            _("By month") if stats.year else _("By year"),
            pgettext("statistics", "Month") if stats.year else _("Year"),
            [(r["label"], r["count"]) for r in stats.by_month],
        ),
        (_("By dispute type"), _("Dispute type"), [(r["name"], r["count"]) for r in stats.by_type]),
        (_("By source"), _("Source"), [(r["name"], r["count"]) for r in stats.by_source]),
        (_("By outcome"), _("Status"), [(r["name"], r["count"]) for r in stats.by_outcome]),
    ]
    for title, label, rows in sheets:
        sheet = wb.create_sheet(str(title))
        sheet.append(clean_row([label, _("Cases")]))
        for row in rows:
            sheet.append(clean_row(row))
    studios = wb.create_sheet(str(_("By studio")))
    studios.append(clean_row([_("Studio"), _("Cases"), _("Closed after mediation"), _("Agreements")]))
    for row in stats.by_studio:
        studios.append(clean_row([row["name"], row["count"], row["closed"], row["agreements"]]))
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 22 if index == 1 else 14
    return workbook_bytes(wb)
