"""A trigram index for finding an issued document by a part of its number (issue 8): see capil/core/trigram.py."""

from django.db import migrations

from capil.core.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [trigram_index("documents_issueddocument", "number", "documents_number_trgm_idx")]
