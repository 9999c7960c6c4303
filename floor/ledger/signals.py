"""What the ledger tells whoever listens, without knowing who does (the ground floor imports no flow)."""

from django.dispatch import Signal

# A post refused because it would take a real location's stock below zero: the ledger and the
# shelf disagree. Sent with location_id and product_id, inside the transaction the refusal ends
# (floor/counting/triggers.py raises the count once that transaction is over).
stock_refused = Signal()
