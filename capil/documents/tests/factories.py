"""Test data for the documents context. Documents are issued through the real service (render + sign);
`issued_document_row` makes a register row with a stand-in file for tests about access, not signatures."""

import hashlib
import uuid

import factory
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from capil.accounts.models import Role, User
from capil.documents.models import IssuedDocument
from capil.documents.services import verification_code_new


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@documents.test")
    full_name = factory.Sequence(lambda n: f"Pengguna {n}")
    role = Role.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def kadis(**kwargs) -> User:
    defaults = {"role": Role.KADIS, "full_name": "Dr. H. MUHAMMAD SA'ID, S.Sos., M.Si.", "nip": "197503032000031003"}
    return UserFactory(**{**defaults, **kwargs})


def issued_document_row(**kwargs) -> IssuedDocument:
    signer = kwargs.pop("signer", None) or kadis(email=f"kadis-{uuid.uuid4().hex[:8]}@documents.test")
    pdf = b"%PDF-1.7\n% stand-in for access tests\n"
    code = verification_code_new()
    name = default_storage.save(f"documents/test/{code}.pdf", ContentFile(pdf))
    seq = IssuedDocument.objects.count() + 1000
    values = {
        "kind": "akta-kelahiran", "number": f"TEST-{code}", "year": 2026, "sequence": seq,
        "holder_name": "NAYLA PUTRI PRATAMA", "data": {}, "data_sha256": "0" * 64, "pdf": name,
        "pdf_sha256": hashlib.sha256(pdf + code.encode()).hexdigest(), "pdf_size": len(pdf),
        "template_sha256": "0" * 64, "verification_code": code, "signer": signer, "signer_name": signer.full_name,
        "signer_title": "Kepala Dinas", "signer_nip": signer.nip, "signer_backend": "local",
        "certificate_sha256": "0" * 64, "issued_at": timezone.now(),
    }
    values.update(kwargs)
    return IssuedDocument.objects.create(**values)
