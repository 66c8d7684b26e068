"""One exception type for every user-facing failure.

The CLI prints the message on one line and exits non-zero; Python callers can
catch it. Messages name the file (and line) and, where possible, the fix.
"""


class ToolkitError(Exception):
    """A problem with the user's input or environment, not a bug in the toolkit."""
