"""Forms: the survey start form and the builder for survey pages."""

from .start import StartForm, build_start_form
from .survey_page import build_page_form

__all__ = ["StartForm", "build_page_form", "build_start_form"]
