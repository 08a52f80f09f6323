"""Raw scraped article text -> structured article (pure functions, no database).

The stages, each in its own module: ``decode`` (bytes → text), ``furniture`` (site
furniture and lists of other headlines), ``header`` (headline, date line, byline, marker,
lead), ``body`` (paragraphs, figures, interview, source lines), ``outlet``, ``dates``;
``pipeline`` composes them.
"""

from .errors import ImportFailure
from .model import ParsedArticle, ParsedFigure
from .pipeline import parse_article

__all__ = ["ImportFailure", "ParsedArticle", "ParsedFigure", "parse_article"]
