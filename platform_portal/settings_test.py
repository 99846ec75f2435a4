"""Settings for the test suite: the production settings with the test environment's relaxations.

The test client and the live server speak plain HTTP on localhost, and local runs use SQLite;
`tests/test_security.py` checks the production rules themselves in subprocesses.
"""
import os

os.environ.setdefault("PORTAL_ENV", "test")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
# Pages are computed afresh in most tests, so that their pinned query counts measure the whole
# work; tests of the cache itself (tests/test_freshness.py) take the `real_cache` fixture.
os.environ.setdefault("CACHE_URL", "dummycache://")

from platform_portal.settings import *  # noqa: E402,F401,F403
