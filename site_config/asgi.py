"""ASGI entry point. A configuration error stops it with one line.

Production settings unless DJANGO_SETTINGS_MODULE says otherwise (see wsgi.py).
"""

from django.core.asgi import get_asgi_application

from site_config.startup import PRODUCTION_SETTINGS, load_settings_or_exit

load_settings_or_exit(default_settings=PRODUCTION_SETTINGS)
application = get_asgi_application()
