"""Seed the editable templates with the shipped texts (Bahasa Indonesia and English, SMS and e-mail).
Existing rows (edited by an administrator) are left as they are."""

from django.db import migrations


def seed(apps, schema_editor):
    from capil.notifications.defaults import EVENTS

    Template = apps.get_model("notifications", "NotificationTemplate")
    for event, spec in EVENTS.items():
        for (channel, language), (title, body) in spec.texts.items():
            Template.objects.get_or_create(event=event, channel=channel, language=language,
                                           defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
