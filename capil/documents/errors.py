"""Why signing did not happen. Kept apart from signing.py so that pages which only need to catch these errors
do not import pyHanko (≈ 45 MB per web worker) — see the note in services.py."""


class SigningError(Exception):
    """Signing did not happen; `message` says why in words the Kadis understands."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class SignerNotConfigured(SigningError):
    pass


class PassphraseRejected(SigningError):
    pass


class SigningUnavailable(SigningError):
    pass


class SigningOutcomeUnknown(SigningError):
    """A remote call timed out and the service could not say whether it signed. Nothing is retried; the
    request id is kept so the next attempt (or an operator) can reconcile it."""

    def __init__(self, message, request_id: str):
        super().__init__(message)
        self.request_id = request_id
