"""cfcs-qa: quality assurance for Children & Family Community Services (Guernsey & Alderney)."""

__version__ = "0.1.0"
