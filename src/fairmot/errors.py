"""The root of the project's own errors.

Every error a user can act on (a config key out of range, a file that does not follow its
format, a checkpoint that does not fit, a camera that cannot be opened) derives from
`FairMOTError`; the tools print its message as one `error: ...` line and exit non-zero
(`fairmot.cli.run_tool`). Anything else is a bug and keeps its traceback. Each layer
defines its own subclass next to the code that raises it; they also derive from the
built-in type they replaced (ValueError, RuntimeError), so older `except` clauses still hold.
"""


class FairMOTError(Exception):
    """A mistake in the user's input, config, files or environment, with a message that says
    which one and what was expected."""


class UsageError(FairMOTError, ValueError):
    """A tool asked to do something it cannot: a missing argument or a combination that does
    not fit (e.g. tracking frames without a trained model)."""
