import pytest

from . import channels as test_channels


@pytest.fixture(autouse=True)
def _own_outbox(settings, tmp_path):
    """Each test reads only the development-channel messages it caused."""
    settings.CAPIL_NOTIFICATIONS = {**settings.CAPIL_NOTIFICATIONS, "OUTBOX_DIR": str(tmp_path / "outbox")}
    test_channels.SENT.clear()
    test_channels.SCRIPT.clear()
