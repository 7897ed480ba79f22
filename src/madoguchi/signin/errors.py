"""Why a sign-in did not complete, and what the resident is told: one entry per reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SignInProblem:
    title: Promise
    message: Promise
    status: int


PROBLEMS: dict[str, SignInProblem] = {
    "cancelled": SignInProblem(
        title=_("You cancelled the sign-in"),
        message=_("You have not signed in. To use the service, sign in again."),
        status=400,
    ),
    "state": SignInProblem(
        title=_("The sign-in has expired"),
        message=_(
            "The sign-in took too long, was started in another browser or tab, or the page was "
            "reloaded. Nothing you entered has been lost; sign in again to continue."
        ),
        status=400,
    ),
    "code": SignInProblem(
        title=_("The sign-in has expired"),
        message=_(
            "The confirmation from the authentication service was already used or is too old. "
            "Sign in again to continue."
        ),
        status=400,
    ),
    "issuer_error": SignInProblem(
        title=_("The authentication service could not confirm who you are"),
        message=_("The authentication service reported a problem. Please try again."),
        status=400,
    ),
    "token": SignInProblem(
        title=_("The sign-in could not be verified"),
        message=_(
            "The answer of the authentication service did not pass our checks, so you have not "
            "been signed in. Please try again."
        ),
        status=400,
    ),
    "unavailable": SignInProblem(
        title=_("The authentication service is not available"),
        message=_(
            "We could not reach the authentication service. Please wait a moment and try again."
        ),
        status=503,
    ),
    "refused": SignInProblem(
        title=_("This account cannot sign in"),
        message=_(
            "Your account on this service has been suspended. Please contact your municipality."
        ),
        status=403,
    ),
}
