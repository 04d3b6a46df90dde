"""Slow clients do not stall the site: while 32 connections trickle a request's headers (one line
every few seconds, as a slowloris attack does), normal requests to the same gunicorn, configured
as ``make serve`` and docs/deploy.md configure it, are all answered in time.

The figures are printed (pytest -s) and saved to test-artifacts/slow-clients.json.
"""

import json
import socket
import threading
import time

import pytest

from tests import live_server
from tests.test_production_settings import ROOT

pytestmark = [pytest.mark.smoke, pytest.mark.load]

TRICKLING = 32
TRICKLE_EVERY_S = 2.0
MEASURE_FOR_S = 12.0
NORMAL_TIMEOUT_S = 10.0


def trickle(port, stop):
    """One connection that sends a header line every TRICKLE_EVERY_S and never finishes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        line = 0
        while not stop.wait(TRICKLE_EVERY_S):
            try:
                sock.sendall(f"X-Slow-{line}: {'x' * 10}\r\n".encode())
            except OSError:
                return  # the server closed it: fine
            line += 1


def test_normal_requests_are_answered_while_32_clients_trickle_headers(tmp_path):
    port = live_server.free_port()
    with live_server.database_url(tmp_path) as url:
        env = live_server.server_env(tmp_path, port, url)
        live_server.prepare(env, catalogue=False)
        stop = threading.Event()
        with live_server.gunicorn(env, port, tmp_path / "gunicorn.log"):
            slow = [
                threading.Thread(target=trickle, args=(port, stop), daemon=True)
                for _ in range(TRICKLING)
            ]
            for thread in slow:
                thread.start()
            time.sleep(TRICKLE_EVERY_S)  # every slow connection has been accepted by now
            answered, timed_out, slowest = 0, 0, 0.0
            deadline = time.monotonic() + MEASURE_FOR_S
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    status = live_server.request(port, "/", timeout=NORMAL_TIMEOUT_S).status
                    assert status == 200
                    answered += 1
                except TimeoutError:
                    timed_out += 1
                slowest = max(slowest, time.perf_counter() - started)
                time.sleep(0.25)
            stop.set()
    log = (tmp_path / "gunicorn.log").read_text()
    figures = {
        "trickling_connections": TRICKLING,
        "normal_requests": answered + timed_out,
        "timed_out": timed_out,
        "slowest_s": round(slowest, 2),
        "worker_timeouts": log.count("WORKER TIMEOUT"),
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "slow-clients.json").write_text(json.dumps(figures, indent=2) + "\n")
    print("\nslow clients:", json.dumps(figures))
    assert timed_out == 0, figures
    assert figures["worker_timeouts"] == 0, figures
