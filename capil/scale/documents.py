"""Issued documents for the scale data: one row per signed application, numbered per kind and year as the
documents context numbers them (its sequences are moved past the numbers used). The rows point at one small
PDF stored once; their PDF hashes are unique placeholders, so these rows are for measuring lists and lookups,
not for verifying signatures."""

import datetime as dt
import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from .writer import TableWriter

PLACEHOLDER_PDF = b"%PDF-1.4\n% Capil Online scale data: no real document\n%%EOF\n"


class IssuedDocuments:
    label = "documents.IssuedDocument"

    def __init__(self, gen):
        from capil.documents.kinds import output_kind_slugs
        from capil.documents.models import IssuedDocument
        from capil.documents.services import CODE_ALPHABET, CODE_LENGTH

        self.gen = gen
        self.writer = TableWriter(IssuedDocument)
        self.known = output_kind_slugs()
        self.alphabet, self.code_length = CODE_ALPHABET, CODE_LENGTH
        self.sequences: dict[tuple[str, int], int] = {}
        self._start_sequences(IssuedDocument)
        self.pdf = "scale/document.pdf"
        if not default_storage.exists(self.pdf):
            default_storage.save(self.pdf, ContentFile(PLACEHOLDER_PDF))
        self.signers: dict[int, tuple[str, str]] = {}
        from django.contrib.auth import get_user_model

        for pk, name, nip in get_user_model().objects.filter(pk__in=gen.staff["KADIS"]).values_list(
                "pk", "full_name", "nip"):
            self.signers[pk] = (name, nip)
        self.count = 0

    def _start_sequences(self, model) -> None:
        from django.db.models import Max

        for kind, year, last in model.objects.values_list("kind", "year").annotate(last=Max("sequence")):
            self.sequences[(kind, year)] = last

    def write(self, life, answers: dict, at: dt.datetime, signer: int):
        """The document signed for `life`'s application at `at`; returns its id (None when the application's
        output kind is not one the documents context knows)."""
        kind = life.version.output_kind
        if kind not in self.known:
            return None
        from capil.documents.kinds import output_kind_get

        year = timezone.localtime(at).year
        seq = self.sequences.get((kind, year), 0) + 1
        self.sequences[(kind, year)] = seq
        pk = uuid.uuid4()  # unique across runs, whatever the seed
        holder = answers.get("nama_anak") or answers.get("nama_lengkap") or answers.get("nama_almarhum") or "Warga"
        name, nip = self.signers.get(signer, ("Kepala Dinas", ""))
        code = "".join(secrets.choice(self.alphabet) for _ in range(self.code_length))
        self.writer.write({
            "id": pk, "kind": kind,
            "number": output_kind_get(kind).format_number(seq=seq, issued_on=timezone.localtime(at).date(),
                                                          region=settings.CAPIL_DOCUMENTS["REGION_CODE"]),
            "year": year, "sequence": seq, "holder_name": holder, "reference": life.tracking,
            "data": {"nama": holder}, "data_sha256": hashlib.sha256(holder.encode()).hexdigest(),
            "pdf": self.pdf, "pdf_sha256": hashlib.sha256(pk.bytes).hexdigest(), "pdf_size": len(PLACEHOLDER_PDF),
            "template_sha256": "0" * 64, "verification_code": code, "signer_id": signer, "signer_name": name,
            "signer_title": "Kepala Dinas", "signer_nip": nip or "", "signer_backend": "local",
            "certificate_sha256": "0" * 64, "timestamped": False, "issued_at": at, "status": "VALID",
        })
        self.count += 1
        return pk

    def close(self) -> None:
        self.writer.close()
        if connection.vendor != "postgresql":
            from capil.documents.models import DocumentNumberCounter

            for (kind, year), last in self.sequences.items():
                DocumentNumberCounter.objects.update_or_create(kind=kind, year=year, defaults={"value": last})
            return
        from capil.documents.numbering import _sequence_name

        with connection.cursor() as cursor:
            for (kind, year), last in self.sequences.items():
                name = _sequence_name(kind, year)
                cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}"')
                cursor.execute("SELECT setval(%s, %s)", [name, last])
