"""Rate limits in the shared cache (Redis in production, the database cache in the embedded set-up,
local memory in tests), so every web process counts against the same limit.

Use it for anything that sends an SMS or e-mail, checks a secret, or is expensive:

    from capil.core import ratelimit

    if not ratelimit.hit(f"upload:user:{user.pk}", limit=30, window=3600):
        ...  # refuse: more than 30 uploads in this hour

`hit` counts one event and answers whether it is still within the limit. `is_limited` looks without
counting (for "refuse while locked, count only failures"), `clear` forgets a key (after a successful
sign-in, for instance) and `retry_after` says how many seconds until the current window ends.

Windows are fixed (aligned on multiples of `window` seconds since the epoch): cheap, atomic on Redis
(INCR) and good enough for abuse limits; at a window edge a client can get up to twice the limit in a
short burst, which is why limits here are set with that in mind.

Keys are hashed before they reach the cache, so a phone number or an e-mail address used as a key
never appears in Redis in clear. Key names read `<what>:<who>:<value>`, e.g. `signin:ip:10.0.0.1`.
"""

import hashlib
import time

from django.core.cache import caches

CACHE_ALIAS = "default"
_PREFIX = "rl:"


def _bucket(key: str, window: int, now: float | None = None) -> tuple[str, int]:
    now = time.time() if now is None else now
    index = int(now // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    ttl = max(1, int((index + 1) * window - now) + 1)
    return f"{_PREFIX}{window}:{index}:{digest}", ttl


def hit(key: str, limit: int, window: int) -> bool:
    """Count one event for `key`; True while at most `limit` events happened in the current window."""
    cache = caches[CACHE_ALIAS]
    name, ttl = _bucket(key, window)
    # add() is a no-op when the counter exists; incr() is atomic on Redis and the database cache
    # increments in one statement. A counter that expired between the two calls is re-created.
    cache.add(name, 0, ttl)
    try:
        count = cache.incr(name)
    except ValueError:
        cache.set(name, 1, ttl)
        count = 1
    return count <= limit


def count(key: str, window: int) -> int:
    """How many events were counted for `key` in the current window."""
    name, _ttl = _bucket(key, window)
    return int(caches[CACHE_ALIAS].get(name, 0))


def is_limited(key: str, limit: int, window: int) -> bool:
    """True when `limit` events were already counted in the current window (does not count)."""
    return count(key, window) >= limit


def clear(key: str, window: int) -> None:
    """Forget the events of `key` in the current window."""
    name, _ttl = _bucket(key, window)
    caches[CACHE_ALIAS].delete(name)


def retry_after(window: int) -> int:
    """Seconds until the current window of length `window` ends."""
    now = time.time()
    return max(1, int((int(now // window) + 1) * window - now))
