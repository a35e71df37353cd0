from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        # Registers the tasks in every process, not only in workers: the web process sends them
        # by name (directory.services.enqueue), which needs them in the Celery app's registry.
        from . import tasks  # noqa: F401
