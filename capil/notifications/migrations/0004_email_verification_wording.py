"""The e-mail link also confirms a new address (not only a new account): "if you did not sign up" becomes
"if you did not ask for this". Only rows still holding the shipped text are changed; edited ones stay."""

from django.db import migrations

_OLD = {
    "id": "Halo {{ name }},\n\nBuka tautan berikut untuk memverifikasi alamat e-mail akun Capil Online Anda:\n"
          "{{ url }}\n\nJika Anda tidak mendaftar, abaikan e-mail ini.",
    "en": "Hello {{ name }},\n\nOpen the following link to verify the e-mail address of your Capil Online "
          "account:\n{{ url }}\n\nIf you did not sign up, ignore this e-mail.",
}


def forward(apps, schema_editor):
    from capil.notifications.defaults import EVENTS

    Template = apps.get_model("notifications", "NotificationTemplate")
    for language, old in _OLD.items():
        _title, body = EVENTS["email_verification"].texts[("email", language)]
        Template.objects.filter(event="email_verification", channel="email", language=language,
                                body=old).update(body=body)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_log_recent_index")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
