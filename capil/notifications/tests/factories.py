"""The accounts context's factories (one source of test users), re-exported for the notification tests."""

from capil.accounts.tests.factories import CitizenFactory, StaffFactory, UserFactory, login_client

__all__ = ["CitizenFactory", "StaffFactory", "UserFactory", "login_client"]
