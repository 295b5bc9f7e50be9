"""Signals the lower apps send for what Django's model signals do not see; the higher apps listen (layers point down:
the sender never imports the receiver)."""

from django.dispatch import Signal

# Sent with ``sender=<model>`` after a bulk write of that model's rows (``bulk_create``, ``bulk_update``,
# ``QuerySet.update``: no ``post_save``), inside the writer's transaction, so that figures derived from those rows
# (the insights app's rollups) are recomputed. Example: the region import.
bulk_written = Signal()
