"""The survey pages' limit on posts per client address, counted directly.

Flask-Limiter works out on every request which of its limits apply (the
blueprint's, the route's, their exemptions and defaults): on a family's last
page that cost more than the count itself (docs/benchmarks.md, "Load and
faults"). This counts with the same ``limits`` strategy and storage as
Flask-Limiter (``limiter.limiter``: Redis with several workers, else this
worker's memory), under the same key, a keyed hash of the address. When the
storage cannot be reached, posts are counted in this worker's memory, with a
warning, and the storage is tried again a minute later: a Redis outage never
stops a family.
"""

import logging
import time
from functools import lru_cache

from flask import current_app, request
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from .auth.limiter_keys import hashed_address_limiter_key
from .extensions import WorkerMemory, limiter

SCOPE = "submit"  # start and survey pages share one count
RETRY_SECONDS = 60
logger = logging.getLogger("flask-limiter")  # where the limiter's own warnings go


class PostedPagesLimit:
    def __init__(self):
        self.fallback = FixedWindowRateLimiter(WorkerMemory())
        self.failed_at = {}  # strategy -> when its storage last failed

    def __call__(self):
        """Count a posted page; ``TooManyRequests`` past ``SUBMIT_RATE_LIMIT``."""
        if request.method != "POST" or not limiter.enabled:
            return
        config = current_app.config
        item = _parsed(config["SUBMIT_RATE_LIMIT"])
        prefix = config.get("RATELIMIT_KEY_PREFIX")
        keys = (*([prefix] if prefix else []), hashed_address_limiter_key(), SCOPE)
        if not self._hit(item, keys):
            raise TooManyRequests()

    def _hit(self, item, keys):
        strategy = limiter.limiter
        failed = self.failed_at.get(strategy)
        if failed is not None and time.monotonic() - failed < RETRY_SECONDS:
            return self.fallback.hit(item, *keys)
        try:
            within = strategy.hit(item, *keys)
        except Exception:  # any storage error: Redis down, a timeout, a refused command
            logger.warning("Rate limit storage unreachable: counting posted pages in memory")
            self.failed_at[strategy] = time.monotonic()
            return self.fallback.hit(item, *keys)
        self.failed_at.pop(strategy, None)
        return within


@lru_cache(maxsize=8)
def _parsed(text):
    return parse(text)
