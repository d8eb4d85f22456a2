"""./start's demo data: the demo citizen's applications stand in each staff queue, made through the real
services, once."""

import io

import pytest
from django.core.management import CommandError, call_command

from capil.accounts.models import User

from ..models import Application, State

pytestmark = pytest.mark.usefixtures("catalog")


def test_demo_applications_fill_each_queue_once(settings, tmp_path, private_storage):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    call_command("demo_accounts", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_applications", stdout=out)
    citizen = User.objects.get(email="warga@demo.capil.local")
    states = {a.service_version.service.slug: a.state for a in Application.objects.filter(applicant=citizen)}
    assert states == {"akta-kelahiran": State.VERIFICATION, "kia": State.KASI_VERIFICATION,
                      "pindah-dalam-kota": State.SIGNING, "cetak-ulang-kk-ktp-el": State.DRAFT}
    submitted = Application.objects.get(applicant=citizen, state=State.VERIFICATION)
    assert submitted.uploads.count() >= 3 and submitted.answers["nama_anak"] == "NAYLA PUTRI PRATAMA"
    assert "BPN-" in out.getvalue()
    # Again: nothing more.
    call_command("demo_applications", stdout=io.StringIO())
    assert Application.objects.filter(applicant=citizen).count() == 4


def test_demo_applications_refuse_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_applications", stdout=io.StringIO())
