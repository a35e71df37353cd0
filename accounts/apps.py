from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connects the receivers that record a second factor given in this session.
        from . import admin_mfa  # noqa: F401
