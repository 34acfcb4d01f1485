"""The content version mirrored in Redis, so that a stored page costs one Redis round trip.

The token in the database stays the authority (`version.py`). With the page cache in Redis, a
hit would otherwise ask the database for the token and then Redis for the page: two round
trips, the first to a server that is usually the busiest one. Here Redis keeps a copy of the
token, and one Lua script reads the copy and the page together.

A copy that is out of date must never be served, so it is guarded twice:

- **A generation.** Every commit that replaces the token increments `content-generation`
  (and drops the copy) before its request answers. The copy records the generation it was
  read under, and the script only trusts it while the two agree. A reader refreshes the copy
  from the database with a compare-and-set on the generation it saw *before* reading the
  database, so a token read just before a commit can never be written back after it.
- **A short life** (`BV_PAGE_CACHE_VERSION_SECONDS`, 2 s). If a commit cannot reach Redis to
  announce itself (Redis failing at that very moment, or a process configured without it),
  the old copy, and the pages stored under it, are served for at most that long.

Keys are built inside the script, so this needs one Redis server (or a primary), not a
Redis Cluster, as Flask-Caching's RedisCache does anyway.
"""

from __future__ import annotations

import time

from cachelib.serializers import RedisSerializer
from flask import Flask, current_app, has_app_context

GENERATION = "content-generation"
COPY = "content-version"
# Flask-Caching's prefix for every key of the page cache (pages.cache_config)
KEY_PREFIX = "bv:"
EXTENSION = "bv_content_mirror"

# KEYS: generation, copy. ARGV: the page key's text before and after the token.
# Returns {generation, token, page or false} when the copy is current, else {generation}.
_READ = """
local generation = redis.call('GET', KEYS[1]) or '0'
local copy = redis.call('GET', KEYS[2])
if copy then
  local at = string.find(copy, ':', 1, true)
  if at and string.sub(copy, 1, at - 1) == generation then
    local token = string.sub(copy, at + 1)
    return {generation, token, redis.call('GET', ARGV[1] .. token .. ARGV[2])}
  end
end
return {generation}
"""

# KEYS: generation, copy. ARGV: the generation seen before the database was read, the token
# read, the copy's life in seconds. Nothing is written if a commit announced itself since.
_REFRESH = """
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[2], ARGV[1] .. ':' .. ARGV[2], 'EX', ARGV[3])
return 1
"""

_serializer = RedisSerializer()


def redis_url(config) -> str | None:
    """The page cache's Redis (pages.cache_config), or None when pages are kept in files."""
    return config.get("CACHE_REDIS_URL") or config.get("REDIS_URL")


class Mirror:
    """One process's client for the copy; created on first use (web workers and writers)."""

    def __init__(self, url: str, lifetime: int):
        import redis  # imported where used: a worker without Redis never loads it

        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.5)
        self.lifetime = lifetime
        self.keys = [KEY_PREFIX + GENERATION, KEY_PREFIX + COPY]
        self._read = self.client.register_script(_READ)
        self._refresh = self.client.register_script(_REFRESH)

    def read(self, before: str, after: str):
        """(generation, token, page) when the copy is current (page None when not stored),
        else (generation, None, None). `before` + token + `after` is the page's key."""
        answer = self._read(keys=self.keys, args=[KEY_PREFIX + before, after])
        if len(answer) < 2:
            return answer[0].decode(), None, None
        page = answer[2]
        return answer[0].decode(), int(answer[1]), _serializer.loads(page) if page else None

    def refresh(self, generation: str, token: int) -> bool:
        """Write the copy read under `generation`; False when a commit announced itself since."""
        return bool(self._refresh(keys=self.keys, args=[generation, token, self.lifetime]))

    def announce(self) -> None:
        """A commit replaced the token: no reader may trust the copy any more."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(self.keys[0])
            pipe.delete(self.keys[1])
            pipe.execute()


def of(app: Flask) -> Mirror | None:
    """The app's mirror, or None when the page cache is not in Redis."""
    state = app.extensions.get(EXTENSION)
    if state is None:
        return None
    if state["mirror"] is None:
        state["mirror"] = Mirror(state["url"], state["lifetime"])
    return state["mirror"]


def announce_commit() -> None:
    """after_commit of a transaction that replaced the token (version.bump).

    Runs before the writer's request answers, so every reader after it renders afresh. A
    failure is logged; the copy then lives out its short life (see the module's text).
    """
    if not has_app_context():
        return
    app = current_app._get_current_object()
    mirror = of(app)
    if mirror is None:
        return
    state = app.extensions[EXTENSION]
    try:
        mirror.announce()
        state["unannounced_since"] = None
    except Exception:
        if state["unannounced_since"] is None:
            app.logger.warning(
                "could not tell Redis the content changed; cached pages may be up to %s s old",
                mirror.lifetime, exc_info=True,
            )
        state["unannounced_since"] = time.monotonic()


def init_app(app: Flask) -> None:
    """Every process with the page cache's Redis announces its commits, whether or not it
    serves pages itself (a queue worker, a command run by hand)."""
    url = redis_url(app.config)
    if not url:
        return
    app.extensions[EXTENSION] = {
        "url": url,
        "lifetime": max(1, int(app.config["PAGE_CACHE_VERSION_SECONDS"])),
        "mirror": None,
        "unannounced_since": None,
    }
