"""The demo (瓜沥镇, DESIGN.md §1), put together from the apps: each app declares its part as
``YizhanAppConfig.demo`` (a dotted path to a ``seed()`` that returns a one-line summary or None), and they run in the
order of ``INSTALLED_APPS`` — regions, accounts, stations, mediation, people, insights … — in one transaction, so a
failure leaves nothing half-written. Every part is idempotent: running the demo again changes nothing.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string

from . import registry
from .scoping import scopes_disabled


def seed_demo(*, only_if_empty: bool = False) -> list[str] | None:
    """Run every app's demo part; None when ``only_if_empty`` and the database already has accounts."""
    with scopes_disabled(), transaction.atomic():
        if only_if_empty and get_user_model().all_objects.exists():
            return None
        for path in registry.reference_loaders():  # reference data first (a flushed test database has lost it)
            import_string(path)()
        summaries = [import_string(path)() for path in registry.demo_seeds()]
    return [summary for summary in summaries if summary]
