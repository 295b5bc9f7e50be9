"""Test-only guard: every write a request makes to a project model leaves an audit row for that object.

The test settings put ``AuditGuardMiddleware`` outermost, so every request a test makes — the permission matrix
reaches every route and API operation, the API, page and browser tests the rest — is checked: the objects the request
saved or deleted (``post_save`` / ``post_delete`` of a ``ScopedModel``) are compared with the audit rows it wrote
(``post_save`` of ``AuditLog``), and a write without its row fails the test with ``AuditMissing``, naming the
object. So a new page or endpoint whose service forgets ``audit.log_*`` cannot pass CI.

What it cannot see: ``QuerySet.update()`` / ``bulk_create()`` send no signals. Bulk paths log with
``audit.record_many`` / ``log_create_many`` by convention (docs/CONVENTIONS.md, "Audit").

The audit rows are seen through the signal, not a query, so the query counts that tests pin stay as they are.
"""

import threading
from collections.abc import Callable

from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import ScopedModel

# Writes that are not an act on someone's data, each with the reason. Keep this short.
EXEMPT_MODELS = {
    "notifications.notification": "the platform's own messages to a user (created by the system, marked read by her)",
}
# Fields that change as a side effect of using the platform, not as an act on the record.
EXEMPT_FIELDS = {
    # last_login: set by Django on every login; language: the user's own display preference
    "accounts.user": {"last_login", "language"},
    # last_used_at: noted (to the minute) when a client uses an API token; the token's creation and revocation are
    # audited, an audit row per API request would drown the log
    "accounts.apitoken": {"last_used_at"},
}

_state = threading.local()


class AuditMissing(AssertionError):
    pass


def _written(sender: type, instance: object, **kwargs: object) -> None:
    writes: set[tuple[tuple[str, str], ...]] | None = getattr(_state, "writes", None)
    if writes is None:
        return
    if isinstance(instance, AuditLog):
        _state.logged.add((instance.target_type, instance.target_id))
        return
    if not isinstance(instance, ScopedModel):
        return
    label = instance._meta.label_lower
    fields = kwargs.get("update_fields")
    if label in EXEMPT_MODELS or (fields and set(fields) <= EXEMPT_FIELDS.get(label, set())):  # type: ignore[call-overload]
        return
    covered = [(label, str(instance.pk))]
    for path in instance.audit_via:  # the parents whose audit rows record this row's changes
        parent = instance._meta.get_field(path)
        covered.append((parent.related_model._meta.label_lower, str(getattr(instance, parent.attname))))
    writes.add(tuple(covered))


post_save.connect(_written, dispatch_uid="yizhan.tests.audit_guard.save")
post_delete.connect(_written, dispatch_uid="yizhan.tests.audit_guard.delete")


def unaudited(writes: set[tuple[tuple[str, str], ...]], logged: set[tuple[str, str]]) -> list[str]:
    """Writes none of whose (model, pk) — the row's own, or a parent's named by ``audit_via`` — has an audit row."""
    return sorted(f"{covered[0][0]} #{covered[0][1]}" for covered in writes if not logged.intersection(covered))


class AuditGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        _state.writes, _state.logged = set(), set()
        try:
            response = self.get_response(request)
            missing = unaudited(_state.writes, _state.logged)
        finally:
            _state.writes = _state.logged = None
        if missing:
            raise AuditMissing(f"{request.method} {request.path} wrote without an audit row: {', '.join(missing)}")
        return response
