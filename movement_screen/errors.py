"""Errors a person can act on.

Every error the analysis raises on purpose derives from :class:`ScreenError`; its message says what went wrong
and what to do. Front ends print the message (no traceback) and exit with :data:`ScreenError.exit_code`.
"""


class ScreenError(Exception):
    """Base class: the input cannot be analysed, for a reason the message explains."""

    exit_code = 3


class InputError(ScreenError):
    """The file is missing, empty, not a video, or cannot be decoded."""


class NoPersonError(ScreenError):
    """No person was found in the video."""


class ViewError(ScreenError):
    """The camera view cannot measure what the screen needs."""


class ModelError(ScreenError):
    """The requested pose model cannot be found, downloaded or built."""


class UsageError(ScreenError):
    """The request itself is inconsistent (wrong option combination)."""

    exit_code = 2


class UnknownMovementError(ScreenError):
    """``--screen auto`` could not tell which movement the clip shows."""


class WrongMovementError(ScreenError):
    """The clip shows another movement than the screen chosen (a walk given as a squat, a lunge as a squat)."""
