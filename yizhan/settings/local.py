"""Local development on the embedded SQLite database (the default for `make run`)."""

from .base import *  # noqa: F403

DEBUG = True
