"""Every admin list, add and change page renders for a superuser: none answers 500.

"Add crontab schedule" answered 500 (django-celery-beat 2.1.0 with a django-timezone-field that
had dropped an attribute it reads); the pages are walked from the admin's own registry, so a
model registered later is covered without editing this file.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from directory.models import ScoreHistory
from tests.factories import (
    CreatorFactory,
    LanguageFactory,
    PlatformLinkFactory,
    StatsSnapshotFactory,
)

pytestmark = pytest.mark.django_db
MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def one_of_each(db) -> None:
    """At least one row for every model registered today."""
    creator = CreatorFactory()
    StatsSnapshotFactory(link=PlatformLinkFactory(creator=creator))
    ScoreHistory.objects.create(creator=creator, date=dt.date(2026, 1, 1), score=50)
    LanguageFactory()
    Group.objects.create(name="Readers")
    interval = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    CrontabSchedule.objects.create(minute="5")
    SolarSchedule.objects.create(event="sunrise", latitude=51.5, longitude=0.1)
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    PeriodicTask.objects.create(name="example", task="directory.tasks.x", interval=interval)


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_list_add_and_change_pages_render(admin_client, rf, admin_user, one_of_each, model):
    client = admin_client
    request = rf.get("/")
    request.user = admin_user
    assert client.get(_admin_url(model, "changelist")).status_code == 200
    if admin.site._registry[model].has_add_permission(request):
        assert client.get(_admin_url(model, "add")).status_code == 200
    instance = model._default_manager.order_by("pk").first()
    if instance is not None:
        assert client.get(_admin_url(model, "change", instance.pk)).status_code == 200


def test_every_model_registered_today_has_a_row_to_change(admin_user, one_of_each):
    """Guards the test above: a change page it never opened would prove nothing."""
    known = {"accounts.User", "auth.Group", "directory.Creator", "directory.PlatformLink"}
    known |= {"directory.StatsSnapshot", "directory.ScoreHistory", "directory.Topic"}
    known |= {"directory.Language"} | {f"django_celery_beat.{m.__name__}" for m in _BEAT}
    for model in MODELS:
        if model._meta.label in known:
            assert model._default_manager.exists(), model._meta.label


_BEAT = (ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule)


@pytest.mark.parametrize("object_id", ["abc", "1.5", "²", "9" * 4301])
def test_statistics_page_with_a_non_numeric_id_is_a_404(admin_client, object_id):
    url = reverse("admin:directory_platformlink_enter_statistics", args=[object_id])
    assert admin_client.get(url).status_code == 404
