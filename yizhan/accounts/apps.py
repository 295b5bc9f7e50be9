from django.utils.translation import gettext_lazy as _

from yizhan.core import registry
from yizhan.core.registry import NavEntry


class AccountsConfig(registry.YizhanAppConfig):
    name = "yizhan.accounts"
    verbose_name = _("Accounts")
    demo = "yizhan.accounts.demo.seed"
    urls = (("accounts/", "yizhan.accounts.urls"), ("accounts/captcha/", "yizhan.accounts.captcha_urls"))
    api_routers = (("/accounts/", "yizhan.accounts.api.router"),)
    navigation = (
        NavEntry("accounts:home", _("Home"), "yizhan.core.permissions.is_signed_in", order=10),
        NavEntry("accounts:user_list", _("Users"), "yizhan.core.permissions.is_admin", order=20),
    )

    def ready(self) -> None:
        super().ready()
        from . import signals  # noqa: F401  # connects the scope cache's invalidation
