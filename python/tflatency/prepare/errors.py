"""The one error type of model preparation: bad input, reported as one line with exit status 2."""


class PrepareError(ValueError):
    """The user's model or flags cannot be used; str() is one line naming the file, flag or input."""
