"""The office's starting set-up: three queues and four counters. Offices change these as data."""

from django.db import migrations

GROUPS = [
    ("A", "Layanan Loket", "Akta pengakuan, pengesahan, pengangkatan anak, pembatalan perkawinan dan perceraian, "
     "pelepasan kewarganegaraan, pengganti identitas, surat keterangan pencatatan sipil", 1),
    ("B", "Perekaman KTP-el", "Dengan antrian online atau datang langsung", 2),
    ("C", "Pengambilan KTP-el dan KIA", "Kartu yang sudah dicetak", 3),
]
COUNTERS = [(1, "Loket 1", ["A"]), (2, "Loket 2", ["A", "C"]), (3, "Loket 3", ["B"]), (4, "Loket 4", ["B"])]


def forwards(apps, schema_editor):
    ServiceGroup = apps.get_model("queueing", "ServiceGroup")
    Counter = apps.get_model("queueing", "Counter")
    for code, name, description, order in GROUPS:
        ServiceGroup.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                                "sort_order": order})
    for number, name, codes in COUNTERS:
        counter, created = Counter.objects.get_or_create(number=number, defaults={"name": name})
        if created:
            counter.groups.set(ServiceGroup.objects.filter(code__in=codes))


class Migration(migrations.Migration):
    dependencies = [("queueing", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
