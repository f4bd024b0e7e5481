"""Settings for benchmarks: the local settings with DEBUG off and a trivial write endpoint."""

from config.settings.local import *  # noqa: F401,F403

DEBUG = False
ROOT_URLCONF = "benchmarks.bench_urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
