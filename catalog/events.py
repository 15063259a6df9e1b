"""What the catalog tells the rest of the shop. Senders are the catalog's services; receivers
(page-cache invalidation, owner messages) subscribe in their ``AppConfig.ready``.

Signals are sent inside the transaction that made the change, so a receiver that writes
(an outbox row) commits or rolls back with it; a receiver with an effect outside the database
defers it with ``transaction.on_commit`` where that matters.
"""

from django.dispatch import Signal

#: The stock a page shows changed. ``product_ids``: products whose shown stock changed (sold
#: out, back in stock, a new "only N left"); ``listings``: True when an item sold out or came
#: back, which every product card shows.
stock_display_changed = Signal()

#: Staff changed a stock level by hand. ``record``, ``adjustment`` (the audit row).
stock_adjusted = Signal()

#: A shopper sent the shop a message from a contact page (``catalog.contact``). ``page`` (the
#: ContactPage), ``submission`` (the stored FormSubmission, whose ``form_data`` holds the
#: name, phone, e-mail, message and the language it was written in).
contact_message_received = Signal()
