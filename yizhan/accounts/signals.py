"""Cache invalidation only (DESIGN.md §6: signals only for cache invalidation): a change to a user's role memberships
— granted, revoked, moved to another place, by any service of any app — makes her next request build her scope
afresh (``core.scoping.forget_scope``). Once at the save, and once more after the commit: a request that read the
memberships between the two (before the change was visible) cannot leave a scope that outlives it."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from yizhan.core.scoping import forget_scope

from .models import RoleMembership


@receiver(post_save, sender=RoleMembership, dispatch_uid="accounts.membership_saved_forget_scope")
@receiver(post_delete, sender=RoleMembership, dispatch_uid="accounts.membership_deleted_forget_scope")
def membership_changed(sender, instance: RoleMembership, **kwargs) -> None:
    user_id = instance.user_id
    forget_scope(user_id)
    transaction.on_commit(lambda: forget_scope(user_id), robust=True)
