"""App configs for third-party apps that need a setting of ours."""

from django.contrib.admin.apps import AdminConfig
from django_celery_beat.apps import BeatConfig


class CeleryBeatConfig(BeatConfig):
    # django-celery-beat's migrations create 32-bit ids but its AppConfig does not say so, so
    # with DEFAULT_AUTO_FIELD = BigAutoField Django reported a pending migration in their app.
    default_auto_field = "django.db.models.AutoField"


class ModerationAdminConfig(AdminConfig):
    """django.contrib.admin with our AdminSite (directory/admin_site.py) as `admin.site`."""

    default_site = "directory.admin_site.ModerationAdminSite"
