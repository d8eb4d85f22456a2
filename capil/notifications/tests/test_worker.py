"""The real task worker (django-tasks-db's `manage.py db_worker`) as a subprocess, against a real HTTP
gateway: killed with SIGKILL in the middle of a batch, the next worker delivers everything exactly once."""

import os
import signal

import pytest

from .servers import GatewayServer
from .worker_harness import ScratchDatabase, stop


@pytest.fixture(scope="module")
def scratch_db():
    database = ScratchDatabase()
    yield database
    database.drop()


@pytest.fixture
def scratch(scratch_db):
    scratch_db.clean()
    return scratch_db


def hexref(value) -> str:
    return str(value).replace("-", "")


def test_worker_killed_mid_batch_loses_nothing_and_delivers_nothing_twice(scratch):
    with GatewayServer(hold_at=25) as gateway:
        env = {"CAPIL_TEST_GATEWAY_URL": gateway.url}
        gateway.start()
        scratch.enqueue(80, env=env)
        first = scratch.start_worker(env=env)
        try:
            # The gateway has accepted the 25th message and holds the worker's request: kill it now, in the
            # worst place, after the gateway took the message and before the worker recorded it.
            assert gateway.holding.wait(90), "the first worker never reached the 25th message"
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            stop(first)
        gateway.release.set()
        assert scratch.states().get("sending") == 1
        second = scratch.start_worker(env=env)
        try:
            scratch.wait_for(lambda: scratch.states().get("sent") == 80, timeout=120, what="80 sent")
        finally:
            stop(second)
        rows = scratch.rows("SELECT reference, provider_message_id, attempts FROM notifications_notification")
        references = {hexref(reference) for reference, _, _ in rows}
        assert len(references) == 80
        assert set(gateway.delivered) == references  # every message arrived, each once
        for reference, message_id, _ in rows:
            assert message_id == gateway.delivered[hexref(reference)]["id"]
        resent = {hexref(r): attempts for r, _, attempts in rows if gateway.posts_for(hexref(r)) > 1}
        # Only the message in flight at the kill was posted again, with the same client reference.
        assert len(resent) == 1 and list(resent.values()) == [2]
        assert len(gateway.posts) == 81


def test_gateway_refusing_connections_then_back_with_a_running_worker(scratch):
    with GatewayServer() as gateway:
        env = {"CAPIL_TEST_GATEWAY_URL": gateway.url}
        worker = scratch.start_worker(env=env)
        try:
            scratch.enqueue(60, env=env)
            scratch.wait_for(lambda: scratch.states().get("failed", 0) >= 50, timeout=60,
                             what="attempts refused by the gateway")
            assert gateway.posts == []
            gateway.start()
            scratch.wait_for(lambda: scratch.states().get("sent") == 60, timeout=120, what="60 sent")
        finally:
            stop(worker)
        assert len(gateway.delivered) == 60
        assert len(gateway.posts) == 60
