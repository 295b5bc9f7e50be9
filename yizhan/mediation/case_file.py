"""The case file (卷宗) of a mediation case as one PDF, and a ZIP of its attachments.

The PDF is made for one recipient:

- ``ARCHIVE`` (the studio's archive copy): everything — the narrative, every screening with its answers and note, the
  safety steps, every session record (``session_records_for(case, audience="team")``), the follow-ups' notes.
- a party of the case (``CaseParty``): what that party may receive — joint sessions, that party's own separate
  sessions and another party's separate sessions only where that party consented to share
  (``session_records_for(case, audience=party)``); screenings by date and level only (their answers and notes, the
  police referrals, protection orders and mandatory reports are about the other party's danger and stay in the
  archive); no narrative (the team's working material) and no follow-up notes.

Sections, in order: cover (case number, studio, recipient, retention period), contents, intake register, notice of
rights and duties, risk screenings (and, for the archive, the safety steps), session records, agreement, judicial
confirmation, extensions of the time limit, follow-up visits, attachments. Mobile and ID numbers are never printed.

The retention period is a constant, ``CASE_FILE_RETENTION_YEARS`` (long-term keeping, 10 years from the year the case
closed), the same for every studio: archive rules are the federation's, not a studio's choice.

Attachments are the signed scans of the agreement's versions (the only files a case holds); every reader of the case
may see them (they are what the parties signed), so the ZIP is the same for every recipient.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yizhan.audit import services as audit
from yizhan.core.pdf import PdfDocument, pdf_response

from . import selectors, selectors_safety
from .models import Agreement, Case, CaseParty, CaseSession

if TYPE_CHECKING:
    from yizhan.core.types import AnyUser

ARCHIVE = "archive"
CASE_FILE_RETENTION_YEARS = 10
ZIP_CHUNK_BYTES = 64 * 1024
_SCAN_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

Recipient = str | CaseParty  # ARCHIVE or a party of the case


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def _time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value is not None else "—"


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def recipient_label(recipient: Recipient) -> str:
    if isinstance(recipient, CaseParty):
        return _("%(role)s %(name)s") % {"role": recipient.get_role_display(), "name": recipient.name}
    return _("The studio's archive")


def retention_until(case: Case) -> int:
    """The last year the file is kept: ``CASE_FILE_RETENTION_YEARS`` after the year the case closed (or was
    received, while it is open)."""
    year = timezone.localdate(case.closed_at).year if case.closed_at else case.received_on.year
    return year + CASE_FILE_RETENTION_YEARS


@dataclass(frozen=True)
class Attachment:
    """A file of the case: its name in the ZIP (made here, never from a user's file name) and where it is stored."""

    name: str
    path: str
    content_type: str
    uploaded_at: datetime | None
    label: str


def attachments(agreements: Iterable[Agreement]) -> list[Attachment]:
    """The signed scans of the agreement's versions that are still in the storage, oldest version first."""
    rows = []
    for agreement in sorted(agreements, key=lambda a: a.revision):
        if not agreement.scan or not default_storage.exists(agreement.scan):
            continue
        extension = _SCAN_EXTENSIONS.get(agreement.scan_content_type, "bin")
        rows.append(
            Attachment(
                name=f"{agreement.case_id}-agreement-v{agreement.revision}-signed.{extension}",
                path=agreement.scan,
                content_type=agreement.scan_content_type,
                uploaded_at=agreement.scan_uploaded_at,
                label=_("Signed agreement, version %(revision)d") % {"revision": agreement.revision},
            )
        )
    return rows


def case_attachments(case: Case) -> list[Attachment]:
    return attachments(selectors.case_agreements(case))


def pdf_filename(case: Case, recipient: Recipient) -> str:
    who = f"party-{recipient.pk}" if isinstance(recipient, CaseParty) else ARCHIVE
    return f"case-file-{case.pk}-{who}.pdf"


def zip_filename(case: Case) -> str:
    return f"case-file-{case.pk}-attachments.zip"


# --- the PDF ------------------------------------------------------------------------------------------------------

_SECTIONS = (
    ("register", "Intake register"),
    ("notice", "Notice of rights and duties"),
    ("screenings", "Risk screenings"),
    ("sessions", "Session records"),
    ("agreement", "Mediation agreement"),
    ("confirmation", "Judicial confirmation"),
    ("extensions", "Extensions of the time limit"),
    ("follow_ups", "Follow-up visits"),
    ("attachments", "List of attachments"),
)


def _section_titles() -> dict[str, str]:
    return {
        "register": _("Intake register"),
        "notice": _("Notice of rights and duties"),
        "screenings": _("Risk screenings"),
        "sessions": _("Session records"),
        "agreement": pgettext("case file section", "Mediation agreement"),
        "confirmation": _("Judicial confirmation"),
        "extensions": _("Extensions of the time limit"),
        "follow_ups": _("Follow-up visits"),
        "attachments": _("List of attachments"),
    }


def case_file_pdf(case: Case, recipient: Recipient) -> bytes:
    """The case file for ``recipient`` (``ARCHIVE`` or a ``CaseParty`` of the case)."""
    if isinstance(recipient, CaseParty):
        if recipient.case_id != case.pk:
            raise ValueError("the recipient is not a party of this case")
    elif recipient != ARCHIVE:
        raise ValueError("the recipient is the archive or a party of the case")
    return _CaseFile(case, recipient).build()


class _CaseFile:
    """The case file's sections, in order, on one ``PdfDocument``."""

    def __init__(self, case: Case, recipient: Recipient) -> None:
        self.case = case
        self.recipient = recipient
        self.archive = not isinstance(recipient, CaseParty)
        self.titles = _section_titles()
        self.parties = selectors.case_parties(case)
        self.agreements = selectors.case_agreements(case)
        self.doc = PdfDocument(
            title=_("Case file"), author=case.studio.display_name, subject=case.number, footer=case.number
        )

    def build(self) -> bytes:
        self.cover()
        self.contents()
        for number, (key, _english) in enumerate(_SECTIONS, 1):
            self.doc.heading(f"{number}. {self.titles[key]}", level=2)
            getattr(self, key)()
        return self.doc.build()

    def cover(self) -> None:
        case, doc = self.case, self.doc
        doc.spacer(30)
        doc.heading(_("People's mediation case file"))
        doc.paragraph(case.number, size=16, align="center")
        doc.spacer(10)
        doc.fields(
            [
                (_("Mediation committee"), case.studio.display_name),
                (_("Dispute type"), case.dispute_type.name),
                (_("Parties"), "、".join(party.name for party in self.parties)),
                (_("Received on"), _day(case.received_on)),
                (pgettext("case", "Closed"), _day(case.closed_at)),
                (_("Status"), case.get_status_display()),
                (pgettext("case file", "For"), recipient_label(self.recipient)),
                (
                    _("Retention period"),
                    _("%(years)d years (kept until the end of %(year)d)")
                    % {"years": CASE_FILE_RETENTION_YEARS, "year": retention_until(case)},
                ),
            ]
        )
        if not self.archive:
            doc.small(
                _(
                    "This copy is for one party: what another party said in a separate session without consenting "
                    "to share it, the screening answers and the safety steps are kept in the archive copy only."
                )
            )
        doc.small(_("Made on %(date)s from Yizhan.") % {"date": _day(timezone.localdate())})
        doc.page_break()

    def contents(self) -> None:
        self.doc.heading(_("Contents"), level=2)
        self.doc.table(
            [[str(index), self.titles[key]] for index, (key, _english) in enumerate(_SECTIONS, 1)], header=False
        )

    def register(self) -> None:
        case, doc = self.case, self.doc
        team = selectors.case_team(case)
        doc.fields(
            [
                (_("Case number"), case.number),
                (_("Source"), case.get_source_display()),
                (_("Dispute type"), case.dispute_type.name),
                (_("Received on"), _day(case.received_on)),
                (_("Accepted on"), _day(case.accepted_at)),
                (_("Deadline"), _day(case.deadline)),
                (pgettext("case", "Closed"), _day(case.closed_at)),
                (_("Status"), case.get_status_display()),
                (_("Lead mediator"), case.lead.name if case.lead else "—"),
                (_("Team"), "、".join(f"{row.get_role_display()} {row.member.user.name}" for row in team) or "—"),
            ]
        )
        doc.table(
            [
                [pgettext("party", "Role"), pgettext("person", "Name"), _("Relation")],
                *[[party.get_role_display(), party.name, party.relation or "—"] for party in self.parties],
            ],
            col_widths_mm=[35, 60, 75],
        )
        if case.close_reason or case.referral or case.advice:
            doc.fields(
                [
                    (_("Reason"), case.close_reason or "—"),
                    (_("Referred to"), case.referral or "—"),
                    (_("Advice on arbitration or litigation"), case.advice or "—"),
                ]
            )
        if self.archive:
            doc.heading(_("What the dispute is about"), level=3)
            doc.paragraph(case.narrative)

    def notice(self) -> None:
        case, doc = self.case, self.doc
        doc.paragraph(
            _("Given to the parties before acceptance: %(given)s; both parties agree to mediation: %(willing)s.")
            % {"given": _yes(case.notice_given), "willing": _yes(case.willingness_recorded)}
        )
        doc.paragraph(
            _(
                "The parties' rights (People's Mediation Law art. 23): to choose or accept a mediator; to accept, "
                "refuse or ask to end the mediation; to ask for the mediation to be held in public or not; to express "
                "their wishes freely and to reach an agreement of their own will."
            )
        )
        doc.paragraph(
            _(
                "The parties' duties (art. 24): to state the facts of the dispute truthfully; to follow the order of "
                "the mediation and respect the mediator; to respect the other party's rights."
            )
        )

    def screenings(self) -> None:
        doc = self.doc
        safety = selectors_safety.case_safety(self.case)
        if not safety.screenings:
            doc.paragraph(_("No screening recorded."))
            return
        if not self.archive:
            rows = [[_("Date"), pgettext("risk", "Level")]]
            rows += [[_day(s.screened_at), s.get_level_display()] for s in reversed(safety.screenings)]
            doc.table(rows, col_widths_mm=[40, 130])
            return
        items = {item.code: item.name for item in selectors_safety.risk_items()}
        rows = [[_("Date"), pgettext("risk", "Level"), _("Score"), _("Items answered yes"), _("Screened by")]]
        for screening in reversed(safety.screenings):
            codes = json.loads(screening.answers or "[]")
            answered = "、".join(items.get(code, code) for code in codes) or "—"
            rows.append(
                [
                    _day(screening.screened_at),
                    screening.get_level_display(),
                    str(screening.score),
                    answered,
                    screening.screened_by.name,
                ]
            )
        doc.table(rows, col_widths_mm=[24, 30, 14, 76, 26])
        for screening in reversed(safety.screenings):
            if screening.note:
                note = {"date": _day(screening.screened_at), "note": screening.note}
                doc.small(_("Note of %(date)s: %(note)s") % note)
        if safety.referrals or safety.orders or safety.reports:
            doc.heading(_("Safety steps"), level=3)
        for referral in safety.referrals:
            values = {"date": _time(referral.referred_at), "station": referral.station}
            doc.paragraph(_("Police referral: %(date)s, %(station)s.") % values)
        for order in safety.orders:
            values = {
                "name": order.protected_party.name,
                "applied": _day(order.applied_at),
                "court": order.court,
                "ruling": order.get_ruling_display(),
                "expires": _day(order.expires_on),
            }
            doc.paragraph(
                _("Protection order for %(name)s: applied %(applied)s at %(court)s; %(ruling)s; expires %(expires)s.")
                % values
            )
        for report in safety.reports:
            values = {"opened": _day(report.opened_at), "to": report.reported_to or "—", "at": _day(report.reported_at)}
            doc.paragraph(_("Mandatory report opened %(opened)s; reported to %(to)s on %(at)s.") % values)

    def sessions(self) -> None:
        audience = "team" if isinstance(self.recipient, str) else self.recipient
        sessions = selectors_safety.session_records_for(self.case, audience=audience)
        if not sessions:
            self.doc.paragraph(_("No session recorded."))
        for session in sessions:
            _session(self.doc, session)

    def agreement(self) -> None:
        doc = self.doc
        current = next((a for a in self.agreements if a.is_current), None)
        if self.case.agreement_form == Case.AgreementForm.ORAL:
            doc.paragraph(_("Oral agreement (recorded, art. 28)."))
        if current is None:
            doc.paragraph(_("No written agreement."))
            return
        doc.fields(
            [
                (_("Version"), str(current.revision)),
                (_("Signed (takes effect) on"), _day(current.signed_on)),
                (_("Main facts of the dispute"), current.facts or "—"),
                (_("Disputed matters"), current.matters or "—"),
                (_("Each party's responsibility"), current.responsibilities or "—"),
                (_("Agreed terms"), current.terms or "—"),
                (_("How the terms are performed"), current.performance or "—"),
                (_("Performed by"), _day(current.perform_by)),
            ]
        )
        older = [str(a.revision) for a in self.agreements if not a.is_current]
        if older:
            doc.small(_("Earlier versions: %(versions)s.") % {"versions": "、".join(older)})

    def confirmation(self) -> None:
        confirmations = selectors.case_confirmations(self.case)
        if not confirmations:
            self.doc.paragraph(_("No application for judicial confirmation."))
            return
        rows = [[_("Applied on"), _("Court"), _("Decision"), _("Decided on"), _("Ruling number")]]
        rows += [
            [_day(c.applied_on), c.court, c.get_decision_display(), _day(c.decided_on), c.ruling_number or "—"]
            for c in confirmations
        ]
        self.doc.table(rows, col_widths_mm=[26, 48, 28, 26, 42])

    def extensions(self) -> None:
        extensions = selectors.case_extensions(self.case)
        if not extensions:
            self.doc.paragraph(_("The time limit was not extended."))
            return
        header = [_("Deadline before"), _("New deadline"), _("Parties consented on"), _("Consenting parties")]
        rows = [[*header, _("Reason")]]
        rows += [
            [
                _day(e.old_deadline),
                _day(e.new_deadline),
                _day(e.consented_on),
                "、".join(p.name for p in e.consenting_parties.all()),
                e.reason,
            ]
            for e in extensions
        ]
        self.doc.table(rows, col_widths_mm=[26, 26, 26, 40, 52])

    def follow_ups(self) -> None:
        follow_ups = selectors.case_follow_ups(self.case)
        if not follow_ups:
            self.doc.paragraph(_("No follow-up visit."))
        for visit in follow_ups:
            rows = [
                (_("Due on"), _day(visit.due_on)),
                (_("Visited on"), _day(visit.performed_on)),
                (pgettext("follow-up", "Performance"), visit.get_performance_display() or "—"),
                (_("Satisfaction"), visit.get_satisfaction_display() or "—"),
                (_("Signs of escalation"), _yes(visit.escalation) if visit.is_done else "—"),
                (_("Further step"), visit.get_action_display() if visit.action else "—"),
            ]
            if visit.referral:
                rows.append((_("Referred to"), visit.referral))
            if self.archive and visit.notes:
                rows.append((_("Notes"), visit.notes))
            self.doc.fields(rows)

    def attachments(self) -> None:
        files = attachments(self.agreements)
        if not files:
            self.doc.paragraph(_("No attachments."))
            return
        rows = [[pgettext("case file", "No."), _("Attachment"), _("File in the ZIP"), _("Uploaded")]]
        rows += [[str(i), f.label, f.name, _day(f.uploaded_at)] for i, f in enumerate(files, 1)]
        self.doc.table(rows, col_widths_mm=[12, 58, 70, 30])


def _session(doc: PdfDocument, session: CaseSession) -> None:
    place = session.room.name if session.room else session.place
    rows = [
        (_("Kind"), session.get_kind_display()),
        (_("Date and time"), _time(session.starts_at)),
        (_("Place"), place or "—"),
        (_("Parties present"), "、".join(p.name for p in session.parties.all()) or "—"),
        (_("Team members present"), "、".join(m.user.name for m in session.team.all()) or "—"),
    ]
    if session.heard_party is not None:
        rows.insert(2, (_("Party heard"), session.heard_party.name))
    if session.kind == CaseSession.Kind.SEPARATE:
        rows.append(
            (
                _("Confidentiality"),
                _("shared with consent (%(date)s)") % {"date": _day(session.shared_consent_at)}
                if session.shared_consent_at
                else _("confidential to the party heard"),
            )
        )
    rows.append((_("Record"), session.record or "—"))
    doc.fields(rows)


# --- the ZIP of the attachments --------------------------------------------------------------------------------


class _Sink:
    """A write-only, unseekable file for ``zipfile``: what is written is collected and handed out in chunks."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_stream(files: Iterable[Attachment]) -> Iterator[bytes]:
    """The ZIP of ``files``, written while it is sent: one file at a time, in chunks, never whole in memory."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[arg-type]  # any object with write/tell/flush works; the stub asks for IO[bytes]
        for attachment in files:
            with default_storage.open(attachment.path, "rb") as source, archive.open(attachment.name, "w") as target:
                while chunk := source.read(ZIP_CHUNK_BYTES):
                    target.write(chunk)
                    if sink.offset and sink.parts:
                        yield sink.take()
            if sink.parts:
                yield sink.take()
    if sink.parts:
        yield sink.take()


# --- the download (pages and API) ----------------------------------------------------------------------------------

FORMATS = ("pdf", "zip")


def case_file_response(*, user: AnyUser, case: Case, recipient: Recipient, what: str, reason: str = "") -> HttpResponse:
    """The case file's PDF or the ZIP of its attachments, for a reader already allowed to have it
    (``permissions.can_open_case_file``). ``reason`` is given by those who oversee the case rather than work on it:
    then a ``REVEAL`` row with the reason is written first. Every download is an ``EXPORT`` row naming the recipient
    and the file."""
    if reason:
        audit.record(actor=user, action=audit.Action.REVEAL, target=case, field="case_file", reason=reason)
    changes = {"recipient": [None, recipient_label(recipient)], "file": [None, what]}
    audit.record(actor=user, action=audit.Action.EXPORT, target=case, field="case_file", changes=changes)
    if what == "zip":
        response = StreamingHttpResponse(zip_stream(case_attachments(case)), content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=zip_filename(case))
        response["Cache-Control"] = "no-store"
        return response
    return pdf_response(case_file_pdf(case, recipient), pdf_filename(case, recipient))
