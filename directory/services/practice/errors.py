"""The one error the practice services raise for the therapist to read."""


class ProfileError(ValueError):
    """A profile change cannot be made; the message is for the user, `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
