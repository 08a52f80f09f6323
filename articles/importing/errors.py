"""The one exception the importer raises for an input that cannot become an article."""


class ImportFailure(Exception):
    """The input cannot become an article; the message says why, in one line."""
