"""A fixed-window rate limit for the public answer page, counted in Django's cache (the "survey" alias).

Two counters per client address: every request, and lookups of links that do not exist. The address is the
one login throttling uses (nginx's X-Real-IP in production, see settings.prod.client_ip_address).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

CACHE_ALIAS = "survey"


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """ "120/300": 120 requests per 300 seconds."""
        limit, _, window = text.partition("/")
        return cls(limit=int(limit), window=int(window or 60))


def client_address(request: HttpRequest) -> str:
    resolve = getattr(settings, "AXES_CLIENT_IP_CALLABLE", None)
    if callable(resolve):
        return resolve(request) or ""
    return request.META.get("REMOTE_ADDR", "")


def _cache():
    return caches[CACHE_ALIAS] if CACHE_ALIAS in settings.CACHES else caches["default"]


def _key(scope: str, address: str, rate: Rate) -> str:
    return f"survey-rate:{scope}:{address}:{int(time.time() // rate.window)}"


def hit(request: HttpRequest, scope: str, rate: Rate) -> bool:
    """Count one request; True when the address is over its limit in the current window."""
    key = _key(scope, client_address(request), rate)
    cache = _cache()
    cache.add(key, 0, timeout=rate.window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rate.window + 1)
        count = 1
    return count > rate.limit


def is_over(request: HttpRequest, scope: str, rate: Rate) -> bool:
    """Whether the address is already over the limit, without counting this request."""
    return (_cache().get(_key(scope, client_address(request), rate)) or 0) >= rate.limit


def answer_rate() -> Rate:
    return Rate.parse(settings.SURVEY_RATE_LIMIT)


def miss_rate() -> Rate:
    return Rate.parse(settings.SURVEY_MISS_LIMIT)
