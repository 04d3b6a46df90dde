"""Start-up guard shared by manage.py, the WSGI/ASGI entry points and gunicorn.conf.py.

A mis-set environment must stop the process with one line naming the variable, not a traceback
that buries it. The exit status is 78 (EX_CONFIG from sysexits.h): a systemd unit can say
``RestartPreventExitStatus=78`` so that a configuration error is not retried in a loop.
"""

import os
import sys

from site_config import env
from site_config.env import EnvError

EX_CONFIG = 78
DEFAULT_SETTINGS = "site_config.settings.dev"  # manage.py, for local work
PRODUCTION_SETTINGS = "site_config.settings.production"  # the WSGI and ASGI entry points


def load_settings_or_exit(default_settings=DEFAULT_SETTINGS):
    """Evaluate the settings module now; on a configuration error print one line and exit."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - the first access imports the settings module
    except EnvError as exc:
        module = env.string("DJANGO_SETTINGS_MODULE")
        sys.stderr.write(f"Configuration error ({module}): {exc}\n")
        sys.stderr.flush()
        raise SystemExit(EX_CONFIG) from None
