"""Errors a user can act on. The CLI prints the message as one paragraph and exits 2."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: what is wrong, where, and how to fix it.

    Never carries case data (no child's details, no cell values beyond a file name).
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(UserError):
    pass


class DataError(UserError):
    """The extract cannot be used at all (unreadable file, no ``children`` table)."""


class StoreError(UserError):
    pass
