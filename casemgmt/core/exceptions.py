"""One application error; views map it to a message in one place (``message_for``)."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    def __init__(self, message, extra=None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ConcurrentEditError(ApplicationError):
    def __init__(self, message=None, extra=None):
        super().__init__(message or CONCURRENT_EDIT_MESSAGE, extra)


CONCURRENT_EDIT_MESSAGE = _(
    "Someone else saved this record while you were editing it. Your changes are still in the "
    "form below: compare them with the latest version and save again."
)
