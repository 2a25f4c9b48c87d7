"""Signals of the calendars app: other apps react to a calendar change without calendars
depending on them (the statistics read model requeues the province's dossiers)."""

from django.dispatch import Signal

# sent inside the transaction that changed a province's calendar; argument: province_id
calendar_changed = Signal()
