"""Two requests racing with the same code: it is accepted once (row lock on PostgreSQL)."""

import threading

import pytest
from django.db import connection

from capil.accounts import services
from capil.accounts.models import CodePurpose

from .factories import CitizenFactory
from .helpers import sms_code

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_code_used_by_two_requests_at_once_is_accepted_once():
    user = CitizenFactory(phone_verified_at=None)
    services.phone_code_send(user=user)
    code = sms_code(user.phone)
    barrier = threading.Barrier(2)
    outcomes = []

    def consume():
        try:
            barrier.wait()
            services._code_consume(user=user, purpose=CodePurpose.PHONE_VERIFY, code=code)
            outcomes.append("accepted")
        except services.CodeRejected:
            outcomes.append("rejected")
        finally:
            connection.close()

    threads = [threading.Thread(target=consume) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["accepted", "rejected"]
