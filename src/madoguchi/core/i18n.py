"""The resident's language: 日本語 (default), English and やさしい日本語 (docs/i18n.md, ADR 0009).

The choice lives in Django's language cookie, set by the switch on every page (Django's own
`set_language` view, which redirects back to the page the resident was on), so URLs do not
change and nothing the resident saved is touched. The staff console, the operator admin and
the API stay Japanese whatever the cookie says: staff and core systems read one language, and
an API client's `Accept-Language` is not a switch of the platform's error texts.

The browser's `Accept-Language` is deliberately not consulted: the platform is Japanese unless
the resident chooses otherwise (an English-language phone in Japan is no sign that its owner
reads English better than Japanese, and the choice is one click on every page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

JAPANESE = "ja"
ENGLISH = "en"
# やさしい日本語: a private-use BCP 47 tag, so HTML `lang` stays valid and assistive technology
# still reads it as Japanese. Its catalogues live in locale/ja_X-easy (Django's to_locale()).
EASY_JAPANESE = "ja-x-easy"
EASY_JAPANESE_LOCALE = "ja_X-easy"
RESIDENT_LANGUAGES = (JAPANESE, ENGLISH, EASY_JAPANESE)


def register_language_info() -> None:
    """Django knows ja and en; tell it the name of やさしい日本語 (get_language_info)."""
    LANG_INFO.setdefault(
        EASY_JAPANESE,
        {
            "bidi": False,
            "code": EASY_JAPANESE,
            "name": "Easy Japanese",
            "name_local": "やさしい日本語",
        },
    )


def japanese_only_prefixes() -> tuple[str, ...]:
    return ("/staff/", "/api/", f"/{settings.ADMIN_URL.strip('/')}/")


def language_for(request: HttpRequest) -> str:
    if request.path_info.startswith(japanese_only_prefixes()):
        return JAPANESE
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in RESIDENT_LANGUAGES else settings.LANGUAGE_CODE


class ResidentLanguageMiddleware:
    """In place of Django's LocaleMiddleware: the cookie decides, on resident pages only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        request.LANGUAGE_CODE = language
        # Only for this request: the thread's language is restored afterwards, so code that
        # runs outside a request in the same thread (tasks, tests) never inherits a resident's.
        with translation.override(language):
            response = self.get_response(request)
            if language == EASY_JAPANESE:
                _add_furigana(response)
        if not request.path_info.startswith(japanese_only_prefixes()):
            _remember(request, language)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def _add_furigana(response: HttpResponse) -> None:
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    from madoguchi.core.furigana import furigana_html

    charset = response.charset or "utf-8"
    response.content = furigana_html(response.content.decode(charset)).encode(charset)
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))


_SAVED = "_madoguchi_language_saved"


def _remember(request: HttpRequest, language: str) -> None:
    """Store a signed-in resident's language, once per session and change (LanguagePreference)."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None or not user.is_authenticated:
        return
    if session.get(_SAVED) == language:
        return
    from madoguchi.core.models import LanguagePreference

    LanguagePreference.objects.update_or_create(user_id=user.pk, defaults={"language": language})
    session[_SAVED] = language


def language_of(*, user_id: int | None) -> str:
    """The language to write to this person in when they are not there (Japanese if unknown)."""
    if user_id is None:
        return settings.LANGUAGE_CODE
    from madoguchi.core.models import LanguagePreference

    found = LanguagePreference.objects.filter(user_id=user_id).values_list("language", flat=True)
    language = next(iter(found), settings.LANGUAGE_CODE)
    return language if language in RESIDENT_LANGUAGES else settings.LANGUAGE_CODE


def languages_of(*, user_ids: Iterable[int]) -> dict[int, str]:
    """`language_of` for many people in one query (users without a choice are left out)."""
    from madoguchi.core.models import LanguagePreference

    ids = list(user_ids)
    if not ids:
        return {}
    rows = LanguagePreference.objects.filter(user_id__in=ids).values_list("user_id", "language")
    return {user_id: language for user_id, language in rows if language in RESIDENT_LANGUAGES}
