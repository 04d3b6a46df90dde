"""Gunicorn's settings for Xinzhi Atlas: ``gunicorn --config gunicorn.conf.py``.

Every value that varies comes from the environment through site_config/env.py. The settings module
is evaluated here, in the master process, and so are the GUNICORN_* variables: a mis-set
environment stops gunicorn with one line naming the variable (exit status 78) before any worker
starts.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.production")

from site_config import env  # noqa: E402
from site_config.startup import EX_CONFIG, load_settings_or_exit  # noqa: E402

load_settings_or_exit(default_settings="site_config.settings.production")

wsgi_app = "site_config.wsgi:application"


def _addresses(name, default):
    """GUNICORN_BIND: host:port, [ipv6]:port, unix:/path or fd://n, comma-separated."""
    addresses = env.csv_list(name, default)
    for address in addresses:
        if address.startswith(("unix:", "fd://")):
            continue
        port = address.rpartition(":")[2] if ":" in address.rpartition("]")[2] else "8000"
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise env.EnvError(
                f"Environment variable {name} must hold addresses like 127.0.0.1:8000 or "
                f"unix:/run/xinzhi-atlas/gunicorn.sock, not {address!r}"
            )
    return addresses


try:
    # --- Sockets and processes --------------------------------------------------------------------
    bind = _addresses("GUNICORN_BIND", ["127.0.0.1:8000"])
    workers = env.integer("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8), minimum=1)
    threads = env.integer("GUNICORN_THREADS", 8, minimum=1)
    timeout = env.integer("GUNICORN_TIMEOUT", 30, minimum=1)
    # X-Forwarded-Proto and friends are believed only from these addresses (the reverse proxy).
    forwarded_allow_ips = ",".join(
        env.networks("GUNICORN_FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
    )
except env.EnvError as exc:
    sys.stderr.write(f"Configuration error (gunicorn.conf.py): {exc}\n")
    sys.stderr.flush()
    raise SystemExit(EX_CONFIG) from None

# Threads, not one request per process: a client that sends its request slowly (a trickle of
# header lines) holds one thread, not a whole worker, and the worker's other threads go on
# serving. A worker takes no more connections than it has threads, so that a worker whose
# threads are all held stops accepting and the others take the new connections.
worker_class = "gthread"
worker_connections = threads

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


def post_worker_init(worker):
    """Each worker reads the facet index of every list before it takes requests
    (catalog/facet_index.py), so that no visitor waits for it after a start or a recycling."""
    from django.db import connections

    from catalog import facet_index

    facet_index.warm()
    connections.close_all()


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
