"""Fixed-window rate limits per client address, counted in the shared cache (Redis in production) so that
every web process sees the same counts."""

from django.core.cache import cache


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one attempt; True when the attempt is over the limit (and must be refused)."""
    cache_key = f"documents:rl:{scope}:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count > limit
