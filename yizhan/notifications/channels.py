"""Messages to people without an account (residents who signed up on a public page): one interface for SMS and
e-mail, whatever carries them.

``send(kind=, text=, mobile=, email=, subject=)`` hands one ``Message`` to the backend named by
``settings.RESIDENT_MESSAGE_BACKEND`` (a dotted path to a class; ``settings.RESIDENT_MESSAGE_OPTIONS`` are passed to
it). A real SMS or e-mail provider plugs in as such a class with a ``send(message)`` method; nothing else changes.

- ``LogBackend`` (the default): writes each message to the log, the recipient masked — for development and for a
  site without a provider yet.
- ``LocMemBackend`` (the test settings): keeps the messages in ``LocMemBackend.outbox``; nothing leaves the process.

Callers send from tasks (``<app>/tasks.py``), after their transaction has committed, and keep their own sent-markers
so that a task run twice sends nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from yizhan.core.masking import mask

logger = logging.getLogger("yizhan.messages")


@dataclass(frozen=True)
class Message:
    """One message to one person: by SMS when ``mobile`` is set, by e-mail when ``email`` is set (both: both)."""

    kind: str
    text: str
    mobile: str = ""
    email: str = ""
    subject: str = ""


class Backend(Protocol):
    def send(self, message: Message) -> None: ...


class LogBackend:
    """Writes messages to the log (recipient masked) instead of sending them."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, message: Message) -> None:
        to = " ".join(
            part
            for part in (mask("mobile", message.mobile) if message.mobile else "", message.email and "e-mail")
            if part
        )
        logger.info("message %s to %s: %s", message.kind, to, message.text)


class LocMemBackend:
    """Keeps messages in memory (tests): ``LocMemBackend.outbox`` lists them in the order sent."""

    outbox: ClassVar[list[Message]] = []

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, message: Message) -> None:
        LocMemBackend.outbox.append(message)


def get_backend() -> Backend:
    backend_class = import_string(settings.RESIDENT_MESSAGE_BACKEND)
    backend: Backend = backend_class(**getattr(settings, "RESIDENT_MESSAGE_OPTIONS", {}))
    return backend


def send(*, kind: str, text: str, mobile: str = "", email: str = "", subject: str = "") -> Message | None:
    """Send one message through the configured backend. Nothing to send to (no mobile, no e-mail): None."""
    if not mobile and not email:
        return None
    message = Message(kind=kind, text=text, mobile=mobile, email=email, subject=subject)
    get_backend().send(message)
    return message
