"""Chinese first: the interface is Simplified Chinese unless the user picked another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, which turns dates and numbers English on
any English-configured phone or desktop even though the school works in Chinese. Here only an explicit choice
(the language cookie set by ``set_language``) changes the language.
"""

from django.conf import settings
from django.utils import translation


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
