import pytest


@pytest.fixture(autouse=True)
def _own_outbox(settings, tmp_path):
    """Each test reads only the development-channel messages it caused."""
    settings.CAPIL_NOTIFICATIONS = {**settings.CAPIL_NOTIFICATIONS, "OUTBOX_DIR": str(tmp_path / "outbox")}
