"""The mediation app's panel on the signed-in home page (``MediationConfig.home_panels``): "我的案件", the work
queue of a mediator, an advisor or a federation admin (``selectors_insight.my_queue``, at most four queries)."""

from django.utils.translation import gettext_lazy as _

from yizhan.core.permissions import allows
from yizhan.core.registry import Panel

from .permissions import sees_case_overview, uses_case_pages
from .selectors_insight import NEAR_DEADLINE_DAYS, my_queue


def my_cases_panel(request) -> Panel | None:
    if not allows(uses_case_pages):
        return None
    queue = my_queue(request.user)
    # a federation admin who mediates nothing oversees the region's cases: the panel says so
    overseer = queue.is_admin and not queue.is_mediator and not queue.mine
    return Panel(
        title=_("Mediation cases") if overseer else _("My cases"),
        template="mediation/insight_queue_panel.html",
        context={"queue": queue, "near_days": NEAR_DEADLINE_DAYS, "sees_overview": allows(sees_case_overview)},
        order=20,
    )
