"""Install the periodic tasks in django-celery-beat's tables, so `migrate` is all a deploy needs.

Idempotent: the tasks are matched by name and brought back to these settings; an operator's
choice to disable one in the admin is kept.
"""

from django.db import migrations
from django.utils import timezone

DISPATCH = "directory: dispatch due platform links"
RECOMPUTE = "directory: recompute all scores daily"


def install(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    every_15_minutes, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    # 03:17 UTC: after the night's fetches, away from the top of the hour.
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="17",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="UTC",
    )
    PeriodicTask.objects.update_or_create(
        name=DISPATCH,
        defaults={
            "task": "directory.tasks.dispatch_due_links",
            "interval": every_15_minutes,
            "crontab": None,
            "description": "Enqueue a refresh for every platform link whose next fetch is due.",
        },
    )
    PeriodicTask.objects.update_or_create(
        name=RECOMPUTE,
        defaults={
            "task": "directory.tasks.recompute_scores",
            "interval": None,
            "crontab": daily,
            "description": "Recompute every creator's interactivity score (activity decays).",
        },
    )
    # Tell a running beat that its schedule changed (the manager's save() is not available here).
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def uninstall(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[DISPATCH, RECOMPUTE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_postgres_nulls_last_indexes"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
