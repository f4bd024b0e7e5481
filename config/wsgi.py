import os

from django.core.wsgi import get_wsgi_application

# Fail safe: a server started without DJANGO_SETTINGS_MODULE runs the production settings,
# which refuse to start without their secrets, never the development setup with DEBUG on.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
