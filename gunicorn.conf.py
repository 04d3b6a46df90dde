"""Gunicorn's settings for Xinzhi Atlas: ``gunicorn --config gunicorn.conf.py``.

Every value that varies comes from the environment through site_config/env.py. The settings module
is evaluated here, in the master process, so a mis-set environment stops gunicorn with one line
(exit status 78) before any worker starts.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.production")

from site_config import env  # noqa: E402
from site_config.startup import load_settings_or_exit  # noqa: E402

load_settings_or_exit(default_settings="site_config.settings.production")

wsgi_app = "site_config.wsgi:application"

# --- Sockets and processes ------------------------------------------------------------------------
bind = env.csv_list("GUNICORN_BIND", ["127.0.0.1:8000"])
workers = env.integer("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8), minimum=1)
threads = env.integer("GUNICORN_THREADS", 1, minimum=1)
timeout = env.integer("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# No runtime control socket: systemd (or the container runtime) manages the processes, and one
# shared socket path would collide between several instances on the same machine.
control_socket_disable = True
# Heartbeat files in memory, not on a disk that may be slow or read-only.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"

# X-Forwarded-Proto and friends are believed only from these addresses (the reverse proxy).
forwarded_allow_ips = ",".join(env.csv_list("GUNICORN_FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"]))

# --- Logs: one JSON object per line on stdout, like the site's own (site_config/log_format.py) ----
accesslog = "-"
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "site_config.log_format.JsonLineFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
