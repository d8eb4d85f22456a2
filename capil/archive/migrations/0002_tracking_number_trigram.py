"""A trigram index for searching the archive by a part of a tracking number (issue 8): see capil/core/trigram.py."""

from django.db import migrations

from capil.core.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [trigram_index("archive_archiverecord", "tracking_number", "archive_number_trgm_idx")]
