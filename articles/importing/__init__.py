"""Raw scraped article text -> structured article (pure functions, no database)."""

from .parser import ImportFailure, ParsedArticle, ParsedFigure, decode_input, parse_article

__all__ = ["ImportFailure", "ParsedArticle", "ParsedFigure", "decode_input", "parse_article"]
