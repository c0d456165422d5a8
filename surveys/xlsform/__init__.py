"""XLSForm (ODK, KoboToolbox) import and export. Pure conversion: no database."""

from .importer import XLSFormError, read_xlsform

__all__ = ["XLSFormError", "read_xlsform"]
