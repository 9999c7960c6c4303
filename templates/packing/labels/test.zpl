{% load i18n zpl %}{% autoescape off %}{# "Test printer" on the station page: proves the printer takes ZPL from Floor. #}^XA
^CI28
^PW812
^LL400
^LH0,0
^FO40,40^A0N,40,40^FH^FD{{ _("Floor test label")|zpl }}^FS
^FO40,100^A0N,34,34^FH^FD{% blocktranslate trimmed asvar station_line with station=station.name %}Station {{ station }}{% endblocktranslate %}{{ station_line|zpl }}^FS
^FO40,150^A0N,34,34^FH^FD{{ station.barcode|zpl }}^FS
^FO40,200^A0N,28,28^FH^FD{{ _("If you can read this, the printer works.")|zpl }}^FS
^XZ
{% endautoescape %}
