"""What other contexts may listen to. Sent after the transaction that caused it has committed."""

from django.dispatch import Signal

# An application moved to another state. Keyword arguments: tracking_number, state.
application_state_changed = Signal()
