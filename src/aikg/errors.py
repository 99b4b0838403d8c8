"""The one exception type the CLI turns into a one-line message and a non-zero exit."""


class AikgError(Exception):
    """A user-facing error: bad input, unknown entity, malformed query."""
