from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the visitor chose English with the language switch (cookie).

    Django's LocaleMiddleware also follows the browser's Accept-Language header; many phones in Indonesia are
    set to English, and their owners would get a portal in a language they did not choose. The office serves
    Bahasa Indonesia first, so only an explicit choice changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
