{% load i18n zpl %}{% autoescape off %}{# A carton's shipping label: 4 × 6 in at 203 dpi (812 × 1218 dots), UTF-8 (^CI28). Every text from the database goes through |zpl inside ^FH. #}^XA
^CI28
^PW812
^LL1218
^LH0,0
^FO40,40^A0N,26,26^FH^FD{{ _("Ship from")|zpl }}^FS
^FO40,72^A0N,34,34^FH^FD{{ label.ship_from|truncatechars:40|zpl }}^FS
^FO30,126^GB752,3,3^FS
^FO40,146^A0N,26,26^FH^FD{{ _("Ship to")|zpl }}^FS
{% for y, line in ship_to_lines %}^FO40,{{ y }}^A0N,48,40^FH^FD{{ line|zpl }}^FS
{% endfor %}^FO30,380^GB752,3,3^FS
^FO40,400^A0N,26,26^FH^FD{{ _("Carrier")|zpl }}^FS
^FO40,432^A0N,40,36^FH^FD{{ label.carrier|truncatechars:16|zpl }}^FS
^FO420,400^A0N,26,26^FH^FD{{ _("Order")|zpl }}^FS
^FO420,432^A0N,40,36^FH^FD{{ label.reference|truncatechars:16|zpl }}^FS
^FO30,496^GB752,3,3^FS
^FO40,516^A0N,26,26^FH^FD{{ _("Carton")|zpl }}^FS
^FO40,548^A0N,44,44^FH^FD{% blocktranslate trimmed asvar carton_of with number=label.number count=label.count %}{{ number }} of {{ count }}{% endblocktranslate %}{{ carton_of|zpl }}^FS
^FO420,516^A0N,26,26^FH^FD{{ _("Weight")|zpl }}^FS
{% if label.weight_kg is not None %}^FO420,548^A0N,44,44^FH^FD{% blocktranslate trimmed asvar weight with weight=label.weight_kg|floatformat:3 %}{{ weight }} kg{% endblocktranslate %}{{ weight|zpl }}^FS
{% endif %}^FO30,612^GB752,3,3^FS
^FO40,632^A0N,26,26^FH^FD{{ _("SSCC")|zpl }}^FS
^BY4^FO94,676^BCN,260,N,N,N^FD>;>8{{ label.element_string }}^FS
^FO0,960^A0N,40,40^FB812,1,0,C^FD{{ label.human_sscc }}^FS
^XZ
{% endautoescape %}
