"""The case file (卷宗): a page to choose the recipient, then the PDF or the ZIP of the attachments.

Who: the studio's mediators and the case team (lead, mediators and advisors on the case) download it as their working
file. Federation admins over the studio oversee the case and, as with its narrative, open the case file only with a
reason: the reveal is recorded (``REVEAL``, field ``case_file``, the reason) before the download. Every download is
an ``EXPORT`` audit row naming the recipient and the file. The form is posted (a reason never travels in a URL).
"""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from yizhan.core.permissions import allows, require, requires

from .. import selectors
from ..case_file import case_file_response
from ..forms import CaseFileForm
from ..permissions import can_open_case_file, can_screen_case, uses_case_pages
from .cases import _case


@requires(uses_case_pages)
@require_http_methods(["GET", "POST"])
def case_file(request, case_pk):
    case = _case(case_pk)
    require(can_open_case_file, case)
    needs_reason = not allows(can_screen_case, case)
    parties = selectors.case_parties(case)
    form = CaseFileForm(request.POST or None, parties=parties, needs_reason=needs_reason)
    if request.method == "POST" and form.is_valid():
        return case_file_response(
            user=request.user,
            case=case,
            recipient=form.recipient_value(),
            what=form.cleaned_data["format"],
            reason=form.cleaned_data["reason"] if needs_reason else "",
        )
    return render(
        request,
        "mediation/case_file.html",
        {"case": case, "form": form, "needs_reason": needs_reason},
        status=400 if form.errors else 200,
    )
