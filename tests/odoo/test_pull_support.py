"""Helpers the pull's tests share (no tests here): point Floor at the double, pull, let time pass."""

from datetime import datetime

from floor.odoo.client import OdooClient
from floor.odoo.pull import pull


def connect(double, settings):
    """Floor's ODOO_* settings pointing at the double, as in production."""
    settings.ODOO_URL, settings.ODOO_DB = double.url, double.db
    settings.ODOO_USER, settings.ODOO_API_KEY = double.login, double.api_key
    return double


def pull_now(**options):
    """One pull with a client of its own, signed in first so the count is the pull's calls only."""
    with OdooClient.from_settings() as client:
        client.connect()
        return pull(client=client, **options)


def later(double, seconds=60):
    """Move Odoo's clock `seconds` past every write_date it holds, as time passes between pulls."""
    models = ("product.product", "product.template", "stock.location", "stock.lot", "stock.picking", "stock.move")
    stamps = [row["write_date"] for model in models for row in double.records(model, fields=["write_date"])]
    ahead = (datetime.fromisoformat(max(stamps)) - double.now()).total_seconds()
    double.advance(max(ahead, 0) + seconds)


def domain_of(call):
    """The domain a search_read asked with (by position over JSON-RPC, by name over JSON-2)."""
    return call.args[0] if call.args else call.kwargs["domain"]
