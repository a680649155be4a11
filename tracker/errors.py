"""Errors that reach the user: each carries a Chinese message and an exit code."""


class TrackerError(Exception):
    """A user-facing error; the CLI prints ``message`` and exits with ``exit_code``."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class InputError(TrackerError):
    """Bad input from the user (a file, an option, a config key)."""


class NotFoundError(TrackerError):
    """An id or name that does not exist."""


class ConfigError(TrackerError):
    """A missing or malformed configuration key."""
