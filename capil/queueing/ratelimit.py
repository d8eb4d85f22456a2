"""Fixed-window rate limits in the shared cache (Redis in production, the database cache in the embedded
set-up), so that every web process counts the same hits. Keys are hashed: no phone number or address is
stored in clear in the cache."""

import hashlib

from django.core.cache import cache


def _cache_key(scope: str, key: str) -> str:
    return "queueing:rl:" + scope + ":" + hashlib.sha256(key.encode()).hexdigest()[:32]


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in `scope`. True when this hit is over the limit."""
    cache_key = _cache_key(scope, key)
    # add() is atomic: the first hit of a window creates the counter with its expiry, later ones incr().
    if cache.add(cache_key, 1, timeout=window_seconds):
        return 1 > limit
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr(): this hit opens a new window
        cache.add(cache_key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def rate_limit_reached(*, scope: str, key: str, limit: int) -> bool:
    """True when `key` has already used up its hits in `scope` (does not count a hit)."""
    return (cache.get(_cache_key(scope, key)) or 0) >= limit
