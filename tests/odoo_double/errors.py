"""Exceptions of the double, shaped as Odoo's own on the wire.

Each class carries the qualified name Odoo reports (`data.name` over JSON-RPC, `name` over JSON-2),
the HTTP status JSON-2 answers with, and the XML-RPC fault code (see facts.json).
"""

from __future__ import annotations


class OdooError(Exception):
    name = "odoo.exceptions.UserError"
    http_status = 422
    xmlrpc_code = 2

    def __init__(self, message: str, *, arguments: list | None = None):
        super().__init__(message)
        self.message = message
        self.arguments = arguments if arguments is not None else [message]

    @property
    def debug(self) -> str:
        # The recordings keep only the traceback's last line: "<Class>: <message>" when the message
        # is one line, otherwise the message's last line.
        short = self.name.removeprefix("builtins.")
        return f"{short}: {self.message}".rstrip("\n").split("\n")[-1]

    def jsonrpc_data(self) -> dict:
        return {
            "name": self.name,
            "debug": self.debug,
            "message": self.message,
            "arguments": list(self.arguments),
            "context": {},
        }

    def json2_body(self) -> dict:
        return {
            "name": self.name,
            "message": self.message,
            "arguments": list(self.arguments),
            "context": {},
            "debug": self.debug,
        }

    def xmlrpc_fault_string(self) -> str:
        if self.xmlrpc_code == 1:
            return (
                'Traceback (most recent call last):\n  File "odoo/service/model.py", line 1, in execute\n'
                f"{self.debug}\n"
            )
        return self.message


class UserError(OdooError):
    name = "odoo.exceptions.UserError"


class ValidationError(OdooError):
    name = "odoo.exceptions.ValidationError"


class MissingError(OdooError):
    name = "odoo.exceptions.MissingError"
    http_status = 404

    @classmethod
    def for_record(cls, model: str, ids, uid: int = 2) -> MissingError:
        ids = list(ids)
        inner = ", ".join(str(i) for i in ids) + ("," if len(ids) == 1 else "")
        return cls(f"Record does not exist or has been deleted.\n(Record: {model}({inner}), User: {uid})")


class AccessError(OdooError):
    name = "odoo.exceptions.AccessError"
    http_status = 403
    xmlrpc_code = 4


class AccessDenied(OdooError):
    name = "odoo.exceptions.AccessDenied"
    http_status = 401
    xmlrpc_code = 3

    def __init__(self, message: str = "Access Denied"):
        super().__init__(message)


class PyValueError(OdooError):
    name = "builtins.ValueError"
    http_status = 500
    xmlrpc_code = 1


class PyTypeError(OdooError):
    name = "builtins.TypeError"
    http_status = 500
    xmlrpc_code = 1


class PyAttributeError(OdooError):
    name = "builtins.AttributeError"
    http_status = 500
    xmlrpc_code = 1


class PyKeyError(OdooError):
    name = "builtins.KeyError"
    http_status = 500
    xmlrpc_code = 1


class SerializationFailure(OdooError):
    """What a concurrent update looks like once Odoo has given up retrying it."""

    name = "psycopg2.errors.SerializationFailure"
    http_status = 500
    xmlrpc_code = 1

    def __init__(self, message: str = "could not serialize access due to concurrent update\n"):
        super().__init__(message)


class DatabaseMissing(OdooError):
    name = "psycopg2.OperationalError"
    http_status = 500
    xmlrpc_code = 1

    def __init__(self, db: str):
        super().__init__(
            f'connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "{db}" does not exist\n'
        )


class HttpError(OdooError):
    """werkzeug.exceptions.* as the JSON-2 endpoint reports them."""

    code = 500
    title = "Internal Server Error"
    name = "werkzeug.exceptions.InternalServerError"

    def __init__(self, message: str):
        super().__init__(message, arguments=[message, self.code])
        self.http_status = self.code

    @property
    def debug(self) -> str:
        return f"{self.name}: {self.code} {self.title}: {self.message}"


class NotFound(HttpError):
    code, title, name = 404, "Not Found", "werkzeug.exceptions.NotFound"


class Unauthorized(HttpError):
    code, title, name = 401, "Unauthorized", "werkzeug.exceptions.Unauthorized"


class UnprocessableEntity(HttpError):
    code, title, name = 422, "Unprocessable Entity", "werkzeug.exceptions.UnprocessableEntity"


class BadRequest(HttpError):
    code, title, name = 400, "Bad Request", "werkzeug.exceptions.BadRequest"


def by_name(name: str, message: str) -> OdooError:
    """An error of the given qualified name, for injected faults (`double.fail_next(error=...)`)."""
    for cls in (
        UserError,
        ValidationError,
        MissingError,
        AccessError,
        AccessDenied,
        PyValueError,
        PyTypeError,
        PyAttributeError,
        PyKeyError,
        SerializationFailure,
    ):
        if cls.name == name:
            return cls(message) if cls not in (AccessDenied, SerializationFailure) else cls(message)
    err = OdooError(message)
    err.name = name
    err.http_status, err.xmlrpc_code = 500, 1
    return err
