from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        # Register the Celery tasks in every process, not only in workers (autodiscovery runs
        # when a worker starts): services.enqueue looks the refresh task up by name, and in the
        # web process that lookup failed, so every send was reported as "broker unavailable".
        from . import checks, tasks  # noqa: F401
