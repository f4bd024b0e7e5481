"""Static files storage: hashed names (a browser never runs an old script after a deploy),
gzip and, where DJANGO_STATIC_BROTLI is on (the default), Brotli copies for whitenoise.

Brotli at its best setting costs minutes of CPU for the API documentation bundles; builds
that need to be fast (the smoke test) may switch it off and keep gzip."""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs):
        kwargs.setdefault("use_brotli", getattr(settings, "STATIC_BROTLI", True))
        return super().create_compressor(**kwargs)
