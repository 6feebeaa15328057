"""French unless the visitor chose English: a French public service does not follow the browser."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class ChosenLanguageMiddleware:
    """Activate the language the visitor picked with the switcher (its cookie), else French.

    Django's LocaleMiddleware would follow Accept-Language, and a headless or
    English-configured browser would then get an English portal mixed with the
    commune's French content.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in SUPPORTED else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override(), not activate(): the thread goes back to French afterwards, so nothing
        # run later in it (a task, the next test) inherits this visitor's language.
        with translation.override(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
