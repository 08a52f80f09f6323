"""Project middleware."""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# Paths outside the language-prefixed site: their language follows the client.
CLIENT_LANGUAGE_PATHS = ("/api/", "/admin/")


class ArchiveLocaleMiddleware(LocaleMiddleware):
    """Pick the language of a request.

    The public site is Vietnamese at / and English at /en/, whatever the browser asks:
    Django's LocaleMiddleware does that for i18n_patterns without a default prefix, but
    it then applies the default language to every other path too. The API and the admin
    instead follow the client (the language cookie, then Accept-Language), so an API
    client gets its validation errors in English by asking for them.
    """

    def process_request(self, request):
        if request.path_info.startswith(CLIENT_LANGUAGE_PATHS):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)
