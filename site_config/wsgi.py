"""WSGI entry point (gunicorn site_config.wsgi). A configuration error stops it with one line.

Production settings unless DJANGO_SETTINGS_MODULE says otherwise: a server started without it
must not run with debug on (manage.py and the Makefile choose the development settings).
"""

from django.core.wsgi import get_wsgi_application

from site_config.startup import PRODUCTION_SETTINGS, load_settings_or_exit

load_settings_or_exit(default_settings=PRODUCTION_SETTINGS)
application = get_wsgi_application()
