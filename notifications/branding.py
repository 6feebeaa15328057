"""How the current commune looks in an e-mail. `theming` (a higher layer) provides it at start-up; the
platform's own look stands in for the public schema and before any provider is registered."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EmailBranding:
    name: str
    primary_colour: str = "#1f4e8c"
    secondary_colour: str = "#f2f5fa"
    logo_url: str = ""
    portal_url: str = ""
    contact_email: str = ""
    contact_phone: str = ""


PLATFORM = EmailBranding(name="Portail Famille")

_provider: Callable[[], EmailBranding | None] = lambda: None  # noqa: E731


def register_branding_provider(provider: Callable[[], EmailBranding | None]) -> None:
    global _provider
    _provider = provider


def current_branding() -> EmailBranding:
    return _provider() or PLATFORM
