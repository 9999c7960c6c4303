"""`manage.py odoo_check`: can Floor talk to the configured Odoo, and what does it see there?"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from floor.odoo.client import OdooClient
from floor.odoo.errors import (
    OdooAccessError,
    OdooAuthError,
    OdooConnectionError,
    OdooError,
    OdooProtocolError,
    OdooRetryableError,
)

# Fields Floor relies on, per model; the optional ones are shown when this Odoo has them.
USER_FIELDS = ["name", "login", "company_id"]
WAREHOUSE_FIELDS = ["code", "name", "company_id"]
TYPE_FIELDS = ["name", "code", "warehouse_id", "default_location_src_id", "default_location_dest_id"]
TYPE_OPTIONAL_FIELDS = ["create_backorder", "sequence_code", "active"]

API_NAMES = {"jsonrpc": "JSON-RPC (/jsonrpc)", "json2": "JSON-2 (/json/2)"}


class Command(BaseCommand):
    help = "Connect to Odoo with the ODOO_* settings and show the version, API, user, warehouses and operation types."

    def handle(self, *args, **options):
        try:
            client = OdooClient.from_settings()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        with client:
            try:
                problems = self._report(client)
            except OdooError as exc:
                raise CommandError(_one_line(client, exc)) from None
        if problems:
            raise CommandError(f"This Odoo lacks fields Floor reads: {'; '.join(problems)}")

    def _report(self, client: OdooClient) -> list[str]:
        out = self.stdout.write
        version = client.version()
        out(f"Odoo {version.get('server_version', '?')} at {client.url}, database {client.db}")
        out(f"API: {API_NAMES[client.api]}")
        if client.api == "jsonrpc" and client.server_version >= (19, 0):
            out("  note: Odoo 19 deprecates JSON-RPC (removed in 20); leave ODOO_API on auto to use JSON-2")

        problems: list[str] = []
        user_fields = self._fields(client, "res.users", USER_FIELDS, [], problems)
        wh_fields = self._fields(client, "stock.warehouse", WAREHOUSE_FIELDS, [], problems)
        type_fields = self._fields(client, "stock.picking.type", TYPE_FIELDS, TYPE_OPTIONAL_FIELDS, problems)

        users = client.read("res.users", [client.uid], user_fields)
        user = users[0] if users else {"id": client.uid}
        out(f"User: {user.get('name', '?')} (login {user.get('login', client.login)}, id {user['id']})")
        out(f"Company: {_m2o(user.get('company_id'))}")

        warehouses = client.search_read("stock.warehouse", [], wh_fields, order="id")
        out(f"Warehouses ({len(warehouses)}):")
        for wh in warehouses:
            out(f"  {wh.get('code', '?'):<6} {wh.get('name', '?')} (id {wh['id']})")

        # Archived types too: an archived Internal Transfers means no putaway can be pushed.
        types = client.search_read("stock.picking.type", [], type_fields, order="id", context={"active_test": False})
        types.sort(key=lambda t: (_m2o_id(t.get("warehouse_id")), t["id"]))
        out(f"Operation types ({len(types)}):")
        for t in types:
            line = (
                f"  {t['id']:>4}  {t.get('name', '?')} [{t.get('code', '?')}]"
                f"  warehouse {_m2o(t.get('warehouse_id'))}"
                f"  from {_m2o(t.get('default_location_src_id'))}"
                f"  to {_m2o(t.get('default_location_dest_id'))}"
            )
            if "create_backorder" in t:
                line += f"  backorder {t['create_backorder']}"
            if t.get("active") is False:
                line += "  (archived)"
            out(line)
        return problems

    def _fields(self, client, model, required, optional, problems) -> list[str]:
        """The wanted fields this Odoo has; a missing required one is noted as a problem."""
        available = client.fields_get(model, ["type"])
        missing = [name for name in required if name not in available]
        if missing:
            problems.append(f"{model} has no {', '.join(missing)}")
        return [name for name in required + optional if name in available]


def _m2o(value) -> str:
    if isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[1]} (id {value[0]})"
    return "—"


def _m2o_id(value) -> int:
    return value[0] if isinstance(value, list | tuple) and value else 0


def _one_line(client: OdooClient, exc: OdooError) -> str:
    """What went wrong, in one line a person can act on. Built from Odoo's answer only."""
    first = next((line.strip() for line in exc.message.splitlines() if line.strip()), exc.name or "error")
    if isinstance(exc, OdooConnectionError):
        return f"Cannot reach Odoo at {client.url} (check ODOO_URL): {first}"
    if isinstance(exc, OdooAuthError):
        return f"Odoo refused the credentials (check ODOO_USER and ODOO_API_KEY): {first}"
    if isinstance(exc, OdooAccessError):
        return f"Odoo user {client.login!r} may not do {exc.model}.{exc.method} (check its access rights): {first}"
    if isinstance(exc, OdooProtocolError):
        return f"{client.url} does not answer like an Odoo server (check ODOO_URL): {first}"
    if isinstance(exc, OdooRetryableError):
        return f"Odoo at {client.url} is unavailable, try again later: {first}"
    if "database" in exc.message and ("does not exist" in exc.message or "not found" in exc.message):
        return f"Odoo at {client.url} has no database {client.db!r} (check ODOO_DB)"
    return f"Odoo error in {exc.model}.{exc.method}: {first}"
