"""The error a format raises when input is not what it claims to be."""


class FormatError(ValueError):
    """The input as a whole cannot be read (not JSON, not a datapackage…); says where."""
