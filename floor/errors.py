"""Errors the whole house raises: at the bottom, so every layer can import them."""


class ScanRejected(Exception):
    """Something the person at the scanner must act on: shown on the screen with a sound.
    A bug is any other exception, and reaches the logs."""

    # The cue the scanner plays: "error" (low buzz), "warning" (mid) or "supervisor" (double buzz).
    sound = "error"

    def __init__(self, message, *, sound: str | None = None):
        super().__init__(message)
        self.message = message
        if sound:
            self.sound = sound

    def __str__(self):
        return str(self.message)
