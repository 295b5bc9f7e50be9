"""The 人民调解协议书 (mediation agreement) as a PDF, with the content People's Mediation Law art. 29 requires:

the parties' basic details; the main facts, the disputed matters and each party's responsibility; the agreed terms,
how and by when they are performed; places for the parties' signatures or fingerprints, the mediator's signature and
the committee's seal; the date; one copy for each party and one for the archive.

What it prints of a party: name, role, gender, age, address (as entered for the agreement; the village or community
is enough) and relation to the other parties. Mobile and ID numbers are never printed — art. 29 does not require them.

Built only from an agreement with all of that (``services.outcomes.agreement_missing``); the caller checks first.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yizhan.core.pdf import PdfDocument

from .models import Agreement, AgreementParty, CaseParty


def _age(row: AgreementParty | None) -> str:
    if row is None or row.age is None:
        return ""
    return _("%(age)d years") % {"age": row.age}


def agreement_filename(agreement: Agreement) -> str:
    return f"agreement-{agreement.case.number}-v{agreement.revision}.pdf"


def agreement_pdf(agreement: Agreement, parties: Sequence[CaseParty], *, lead_name: str = "") -> bytes:
    """The agreement's PDF. ``parties`` are the case's parties, in the order they are printed."""
    case = agreement.case
    studio = case.studio
    details = {row.party_id: row for row in agreement.party_details.all()}
    title = _("People's mediation agreement")
    doc = PdfDocument(
        title=title,
        author=studio.display_name,
        subject=case.number,
        footer=_("%(number)s · version %(revision)d") % {"number": case.number, "revision": agreement.revision},
    )
    doc.heading(title)
    doc.paragraph(_("Case number: %(number)s") % {"number": case.number}, align="center")
    doc.paragraph(
        _("Mediation committee: %(name)s") % {"name": studio.display_name},
        align="center",
    )

    doc.heading(_("The parties"), level=2)
    rows: list[list[str]] = [[pgettext("party", "Role"), _("Name"), _("Gender"), _("Age"), _("Address"), _("Relation")]]
    for party in parties:
        row = details.get(party.pk)
        rows.append(
            [
                str(party.get_role_display()),
                party.name,
                str(row.get_gender_display()) if row is not None and row.gender else "",
                _age(row),
                row.address if row is not None else "",
                party.relation or "—",
            ]
        )
    doc.table(rows, col_widths_mm=[22, 28, 14, 16, 60, 30])

    sections = (
        (_("Main facts of the dispute"), agreement.facts),
        (_("Disputed matters"), agreement.matters),
        (_("Each party's responsibility"), agreement.responsibilities),
        (_("Agreed terms"), agreement.terms),
    )
    for heading, text in sections:
        doc.heading(heading, level=2)
        doc.paragraph(text)

    doc.heading(_("Performance"), level=2)
    doc.paragraph(agreement.performance)
    if agreement.perform_by is not None:
        doc.paragraph(
            _("The terms are performed by %(date)s.")
            % {"date": _("%(y)d-%(m)02d-%(d)02d") % _ymd(agreement.perform_by)}
        )

    doc.heading(_("Effect and copies"), level=2)
    doc.paragraph(
        _(
            "This agreement takes effect when the parties have signed it or put their fingerprints on it, the "
            "mediator has signed it and the people's mediation committee has sealed it. The parties may apply "
            "jointly to the people's court for judicial confirmation within 30 days of it taking effect."
        )
    )
    doc.paragraph(
        _(
            "This agreement is made in %(copies)d copies: one for each party and one kept in the archive of the "
            "people's mediation committee."
        )
        % {"copies": agreement.copies or len(parties) + 1}
    )

    doc.heading(_("Signatures"), level=2)
    signatures = [
        _("%(role)s %(name)s (signature or fingerprint)") % {"role": party.get_role_display(), "name": party.name}
        for party in parties
    ]
    signatures.append(
        _("Mediator %(name)s (signature)") % {"name": lead_name} if lead_name else _("Mediator (signature)")
    )
    doc.signature_lines(signatures)
    doc.spacer(6)
    doc.paragraph(
        _("Seal of the people's mediation committee: %(name)s (seal)") % {"name": studio.display_name},
        align="right",
    )
    doc.paragraph(_("Date: ______ (year) ____ (month) ____ (day)"), align="right")
    doc.small(_("Printed on %(date)s from Yizhan.") % {"date": _("%(y)d-%(m)02d-%(d)02d") % _ymd(timezone.localdate())})
    return doc.build()


def _ymd(day) -> dict[str, int]:
    return {"y": day.year, "m": day.month, "d": day.day}
