"""What can go wrong when Floor talks to Odoo, as exceptions the outbox can act on.

The push decides from the class alone: an `OdooRetryableError` waits and tries again, anything
else is a failure a person must look at. Messages are built only from Odoo's answer and the
model/method called, never from the request (which carries the API key).
"""

from __future__ import annotations

from functools import partial


class OdooError(Exception):
    """Base class. `message` is Odoo's own human message; `name` the exception class Odoo named."""

    def __init__(
        self,
        message: str,
        *,
        name: str = "",
        model: str = "",
        method: str = "",
        http_status: int | None = None,
        debug: str = "",
    ):
        self.message = message
        self.name = name
        self.model = model
        self.method = method
        self.http_status = http_status
        # Odoo's traceback text: for the logs of a person investigating, never for the floor.
        self.debug = debug
        super().__init__(self._describe())

    def __reduce__(self):
        # Celery and multiprocessing pickle exceptions; keep what Odoo said, not only str(self).
        if type(self).__init__ is not OdooError.__init__:
            return super().__reduce__()  # a subclass with its own signature rebuilds from args
        fields = {"name": self.name, "model": self.model, "method": self.method, "http_status": self.http_status}
        return partial(type(self), **fields, debug=self.debug), (self.message,)

    def _describe(self) -> str:
        where = f"{self.model}.{self.method}: " if self.model and self.method else ""
        what = f" ({self.name})" if self.name else ""
        return f"{where}{self.message}{what}"


class OdooAuthError(OdooError):
    """Wrong login or API key: AccessDenied, `authenticate` answering False, HTTP 401."""


class OdooAccessError(OdooError):
    """The user may not do this: AccessError (ACL, record rules, private method), HTTP 403."""


class OdooValidationError(OdooError):
    """Odoo refused the change for a business reason (UserError, ValidationError).

    `message` is what Odoo would show its own users; it is worth showing to ours.
    """


class OdooMissingError(OdooError):
    """A record the call names does not exist (any more): MissingError."""


class OdooRequestError(OdooError):
    """Odoo could not make sense of the call: unknown field, model or method, a bad domain or
    argument (ValueError, AttributeError, TypeError, the JSON-2 400/404/422 of a bad call).

    A bug in Floor or a schema that differs from what Floor expects; retrying will not help.
    """


class OdooRetryableError(OdooError):
    """Trying again later may work: Odoo busy, restarting, or a transaction that lost a race
    (serialization failure, deadlock), HTTP 429/5xx from Odoo or a proxy in front of it.

    Careful: Odoo may have committed before the answer was lost. The caller must look for what
    it meant to create before creating it again.
    """


class OdooConnectionError(OdooRetryableError):
    """No answer at all: cannot connect, timed out, connection dropped mid-answer."""


class OdooProtocolError(OdooError):
    """An answer that makes no sense: not JSON, not an Odoo endpoint, an unexpected shape."""


# The part of Odoo's exception name after the last dot, for odoo.exceptions.* and werkzeug.
_BY_SHORT_NAME: dict[str, type[OdooError]] = {
    "AccessDenied": OdooAuthError,
    "SessionExpiredException": OdooAuthError,
    "Unauthorized": OdooAuthError,
    "AccessError": OdooAccessError,
    "Forbidden": OdooAccessError,
    "MissingError": OdooMissingError,
    "UserError": OdooValidationError,
    "ValidationError": OdooValidationError,
    "RedirectWarning": OdooValidationError,
    "ConcurrencyError": OdooRetryableError,  # 18+: Odoo's own retries on serialization ran out
    "InternalServerError": OdooRetryableError,  # werkzeug's own 500: Odoo crashed, not refused
    "TooManyRequests": OdooRetryableError,
    "ServiceUnavailable": OdooRetryableError,
    "BadGateway": OdooRetryableError,
    "GatewayTimeout": OdooRetryableError,
}

_PG_RETRYABLE = {
    "SerializationFailure",
    "TransactionRollbackError",
    "DeadlockDetected",
    "LockNotAvailable",
    "QueryCanceledError",
    "QueryCanceled",
    "InterfaceError",  # the database connection went away under Odoo
}

_RETRYABLE_STATUS = {429, 502, 503, 504}


def classify(name: str, message: str, http_status: int | None) -> type[OdooError]:
    """The error class for an exception Odoo reported, by its name first, then by HTTP status."""
    short = name.rsplit(".", 1)[-1]
    if short == "UserError" and message.startswith("Object ") and message.endswith("doesn't exist"):
        return OdooRequestError  # an unknown model over JSON-RPC (JSON-2 says NotFound)
    if name.startswith(("odoo.", "werkzeug.")) and short in _BY_SHORT_NAME:
        return _BY_SHORT_NAME[short]
    if name.startswith(("psycopg2", "psycopg.")):
        if short in _PG_RETRYABLE or "concurrent update" in message or "could not serialize" in message:
            return OdooRetryableError
        # OperationalError is also "the database is restarting"; an unknown database is not.
        if short == "OperationalError" and "does not exist" not in message:
            return OdooRetryableError
        return OdooError
    if name.startswith(("builtins.", "werkzeug.")):
        return OdooRequestError
    if name.startswith("odoo.") and short.endswith(("UserError", "ValidationError")):
        return OdooValidationError
    if http_status == 401:
        return OdooAuthError
    if http_status == 403:
        return OdooAccessError
    if name:
        # JSON-2 answers 422 for the UserError family, whatever an addon named its subclass.
        if http_status == 422:
            return OdooValidationError
        # A named exception we do not know: Odoo did answer, so the same call is not likely to
        # go better the next time; a person looks at it.
        return OdooError
    if http_status in _RETRYABLE_STATUS or (http_status or 0) >= 500:
        return OdooRetryableError
    return OdooProtocolError
