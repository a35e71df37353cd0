from django.db import migrations

from directory.topics import TOPICS


def seed_topics(apps, schema_editor):
    Topic = apps.get_model("directory", "Topic")
    for slug, name in TOPICS:
        Topic.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(seed_topics, migrations.RunPython.noop)]
