"""Install the periodic task that sends again what is left in the email outbox.

Idempotent, like 0004: matched by name; an operator's choice to disable it is kept.
"""

from django.db import migrations
from django.utils import timezone

RESEND = "directory: resend unsent emails"


def install(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")

    every_15_minutes, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=RESEND,
        defaults={
            "task": "directory.tasks.resend_emails",
            "interval": every_15_minutes,
            "crontab": None,
            "description": "Send again the emails still in the outbox (broker or mail server "
            "was down).",
        },
    )
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def uninstall(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=RESEND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0007_submissions_contact_removal"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
