from django.db import IntegrityError, transaction
from django.utils import timezone

from yizhan.core import registry

from .models import Notification


def notify(
    *,
    user,
    kind: str,
    params: dict,
    dedup_key: str,
    channel=Notification.Channel.IN_APP,
    link: tuple[str, list] | None = None,
) -> Notification:
    """Create a notification once per dedup key (safe to call again from a retried task).

    ``link`` is where it leads: ``(url_name, args)``, e.g. ``("people:visit_detail", [visit.pk])``; the reader opens
    it through ``notifications:open``, which marks it read."""
    if kind not in registry.notification_kinds():
        raise ValueError(f"Unknown notification kind {kind!r}")
    existing = Notification.all_objects.filter(dedup_key=dedup_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            link_name, link_args = link if link else ("", [])
            return Notification.all_objects.create(
                user=user,
                kind=kind,
                params=params,
                dedup_key=dedup_key,
                channel=channel,
                link_name=link_name,
                link_args=list(link_args),
            )
    except IntegrityError:  # the same task ran twice at once
        return Notification.all_objects.get(dedup_key=dedup_key)


def mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
