"""django-celery-beat's DatabaseScheduler, fixed for Celery 5.3+ time zones.

django-celery-beat 2.1.0 (the release whose requirements still admit Django 6.1) localises "now"
with pytz's `tzinfo.localize()`, but Celery 5.3+ hands it a `zoneinfo.ZoneInfo`, so beat
crashes on start-up; its crontab schedules likewise call pytz's `normalize()` on a ZoneInfo.
`app.now()` and `datetime.now(zone)` are already aware, which is all either needs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_celery_beat import schedulers
from django_celery_beat.tzcrontab import TzAwareCrontab


class ModelEntry(schedulers.ModelEntry):
    def __init__(self, model: Any, app: Any = None) -> None:
        super().__init__(model, app=app)
        schedule = getattr(self, "schedule", None)
        if isinstance(schedule, TzAwareCrontab):
            zone = schedule.tz
            schedule.nowfun = lambda: dt.datetime.now(zone)

    def _default_now(self) -> dt.datetime:
        return self.app.now()


class DatabaseScheduler(schedulers.DatabaseScheduler):
    Entry = ModelEntry
