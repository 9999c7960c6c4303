"""A test double of Odoo Inventory (17.0, 18.0, 19.0) that speaks Odoo's wire protocols over HTTP.

See server.py for the Python API and fixtures.py for the pytest fixtures.
"""

from .schema import VERSIONS
from .server import Call, OdooDouble

__all__ = ["VERSIONS", "Call", "OdooDouble"]
