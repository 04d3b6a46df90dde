"""ASGI entry point. A configuration error stops it with one line."""

from django.core.asgi import get_asgi_application

from site_config.startup import load_settings_or_exit

load_settings_or_exit()
application = get_asgi_application()
