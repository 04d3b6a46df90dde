"""WSGI entry point (gunicorn site_config.wsgi). A configuration error stops it with one line."""

from django.core.wsgi import get_wsgi_application

from site_config.startup import load_settings_or_exit

load_settings_or_exit()
application = get_wsgi_application()
