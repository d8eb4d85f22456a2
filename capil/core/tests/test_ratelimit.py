from unittest import mock

from django.core.cache import cache

from capil.core import ratelimit


def setup_function():
    cache.clear()


def test_hit_allows_up_to_the_limit_then_refuses():
    assert [ratelimit.hit("t:a", 3, 60) for _ in range(5)] == [True, True, True, False, False]
    assert ratelimit.count("t:a", 60) == 5


def test_keys_are_counted_separately():
    for _ in range(3):
        ratelimit.hit("t:a", 3, 60)
    assert ratelimit.hit("t:b", 3, 60)
    assert not ratelimit.hit("t:a", 3, 60)


def test_is_limited_looks_without_counting_and_clear_forgets():
    ratelimit.hit("t:c", 2, 60)
    assert not ratelimit.is_limited("t:c", 2, 60)
    ratelimit.hit("t:c", 2, 60)
    assert ratelimit.is_limited("t:c", 2, 60)
    assert ratelimit.count("t:c", 60) == 2
    ratelimit.clear("t:c", 60)
    assert not ratelimit.is_limited("t:c", 2, 60)


def test_a_new_window_starts_from_zero():
    with mock.patch("capil.core.ratelimit.time.time", return_value=1_000_000.0):
        assert ratelimit.hit("t:d", 1, 60)
        assert not ratelimit.hit("t:d", 1, 60)
    with mock.patch("capil.core.ratelimit.time.time", return_value=1_000_000.0 + 60):
        assert ratelimit.hit("t:d", 1, 60)


def test_personal_data_in_a_key_never_reaches_the_cache_in_clear():
    ratelimit.hit("signin:account:+6281234567890", 5, 60)
    name, _ttl = ratelimit._bucket("signin:account:+6281234567890", 60)
    assert "6281234567890" not in name
    assert cache.get(name) == 1
