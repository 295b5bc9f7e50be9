from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yizhan.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Django's documented place to register system checks (the module defines nothing a model needs).
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401
        from .collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="yizhan-pinyin-collation")
