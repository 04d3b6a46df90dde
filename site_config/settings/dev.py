"""Local development: debug on, a fixed throwaway key, loopback hosts only."""

from site_config import env

from .base import *  # noqa: F403

DEBUG = env.boolean("DJANGO_DEBUG", True)
SECRET_KEY = "dev-only-insecure-key-never-used-in-production-4f1c2a9e7b"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Uploads are served by the site itself while developing (site_config/media.py).
SERVE_MEDIA = DEBUG
# Off by default, so that a template being edited shows at once; ATLAS_PAGE_CACHE=on to try it.
PAGE_CACHE_ENABLED = env.boolean("ATLAS_PAGE_CACHE", False)
