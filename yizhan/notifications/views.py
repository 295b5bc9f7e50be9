from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yizhan.core.pagination import paginate

from . import selectors, services
from .models import Notification


@login_required
def notification_list(request):
    return render(
        request, "notifications/notification_list.html", {"page": paginate(request, selectors.notification_list())}
    )


@login_required
@require_POST
def notification_read(request, pk):
    try:
        notification = Notification.objects.get(pk=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    services.mark_read(notification=notification)
    return redirect("notifications:list")


@login_required
def notification_open(request, pk):
    """Follow a notification to what it is about; opening it marks it read."""
    try:
        notification = Notification.objects.get(pk=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    services.mark_read(notification=notification)
    return redirect(notification.url or "notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    services.mark_all_read(user=request.user)
    return redirect("notifications:list")
