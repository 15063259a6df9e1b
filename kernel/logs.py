"""Log lines as JSON (``LOG_FORMAT=json``): one object a line, for log collectors.

Each line holds the time (UTC, ISO 8601), the level, the logger's name, the message, the
request id (``-`` outside a request) and, when there is one, the exception's traceback.
Secrets are already gone by the time a line is formatted: the handler's ``redact_secrets``
filter rewrites the message and the traceback first.
"""

import json
import logging
from datetime import UTC, datetime

from kernel.request_id import NO_REQUEST


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
