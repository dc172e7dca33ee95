"""The web application where people answer back: their personal page, "Markera som
klar" from an e-mail, agenda items and the coordinators' decisions. The public pages and
feeds stay static files (``calendars``); this is only what writes."""
