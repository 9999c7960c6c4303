from django import template

from floor.warehouse import quantities

register = template.Library()
register.filter("qty", quantities.qty)
register.filter("plain_qty", quantities.plain)
