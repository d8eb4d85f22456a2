import pytest

from capil.accounts.models import Role

from . import factories


@pytest.fixture
def catalog(db):
    factories.catalog_load()


@pytest.fixture
def team(db):
    """One member of staff per SOP role (and an admin, who has no SOP step)."""
    return {role: factories.staff(role, full_name=f"{role.label} Uji") for role in
            (Role.OPERATOR, Role.KASI, Role.KADIS, Role.ARSIPARIS, Role.ADMIN)}


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Each test stores uploads in its own directory, so a test can see exactly what was written."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "private"}}}
    settings.MEDIA_ROOT = tmp_path / "private"
    return tmp_path / "private"
