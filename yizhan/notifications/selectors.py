from .models import Notification


def notification_list():
    return Notification.objects.order_by("-created_at", "-id")


def unread_count() -> int:
    return Notification.objects.filter(read_at__isnull=True).count()
