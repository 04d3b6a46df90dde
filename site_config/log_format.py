"""One JSON object per line for everything the site and gunicorn log on stdout.

A log collector (journald, Docker, a hosted service) can index the fields; a person can still read
a line. Tracebacks stay on their line as an escaped string, so one event is always one line.

``ClientErrorFilter`` logs what a client got wrong (a 4xx answer: a bad Host header, a body too
large, a forged CSRF token) at WARNING with the error's one-line description and no traceback:
Django logs some of them at ERROR with the whole stack, which buries real server errors.
"""

import json
import logging
from datetime import UTC, datetime

# gunicorn passes its access-log "atoms" (a dict) as the record's args: the fields we keep.
ACCESS_FIELDS = {
    "h": "remote",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "f": "referer",
    "a": "user_agent",
    "{x-forwarded-for}i": "forwarded_for",
}


class ClientErrorFilter(logging.Filter):
    def filter(self, record):
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            if record.exc_info and record.exc_info[0] is not None:
                exc_type, exc_value, _ = record.exc_info
                record.client_error = f"{exc_type.__name__}: {exc_value}"
            record.exc_info = record.exc_text = None
        return True


class JsonLineFormatter(logging.Formatter):
    def format(self, record):
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            for atom, field in ACCESS_FIELDS.items():
                value = atoms.get(atom)
                if value not in (None, "-", ""):
                    event[field] = value
            event["message"] = f"{atoms.get('m')} {atoms.get('U')} {atoms.get('s')}"
        else:
            event["message"] = record.getMessage()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            event["method"] = request.method
            event["path"] = request.path
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            event["status"] = status_code
        if client_error := getattr(record, "client_error", None):
            event["error"] = client_error
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, exc_value, _ = record.exc_info
            event["error"] = f"{exc_type.__name__}: {exc_value}"
            event["traceback"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False, default=str)
