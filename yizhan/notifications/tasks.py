from django.contrib.auth import get_user_model
from django_tasks import task

from yizhan.core.scoping import scopes_disabled

from .services import notify


@task()
def send_welcome_notification(user_id: int) -> int | None:
    """Greets a new user in the app. Idempotent: running it twice leaves one notification."""
    with scopes_disabled():
        user = get_user_model().all_objects.filter(pk=user_id).first()
        if user is None:
            return None
        notification = notify(
            user=user,
            kind="welcome",
            params={"name": user.name or user.username, "username": user.username},
            dedup_key=f"welcome:{user.pk}",
        )
        return notification.pk
