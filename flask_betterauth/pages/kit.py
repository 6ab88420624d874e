"""What the pages are made of, and what a plugin may add to them.

A plugin adds pages with ``Plugin(pages=register)``: when the pages are mounted,
``register(kit)`` receives a :class:`PageKit` and may add a page (a view on the
``betterauth_pages`` blueprint), a section of the account page, notices and error
messages.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from werkzeug.datastructures import MultiDict

from ..api import APIResponse
from ..errors import BetterAuthError


@dataclass(frozen=True)
class PagesOptions:
    """The ``pages`` option: ``pages=True`` or ``pages={...}`` with these keys.

    :param url_prefix: where the pages are mounted.
    :param base_template: the app's layout template the pages extend (it must define
        the blocks ``title`` and ``content``); ``None`` uses the package's own layout.
    :param after_sign_in_url: where sign-in and sign-up lead without a ``next``; ``None``
        means the account page.
    """

    url_prefix: str = "/auth"
    base_template: str | None = None
    after_sign_in_url: str | None = None

    def __post_init__(self) -> None:
        if not self.url_prefix.startswith("/"):
            raise BetterAuthError(f"pages.url_prefix must start with '/', not {self.url_prefix!r}")


@dataclass(frozen=True)
class Done:
    """What an account action did: the notice to show and the API's answer (its cookies
    go onto the response). ``redirect_to`` replaces the account page as the next page."""

    notice: str
    result: APIResponse | None = None
    redirect_to: str | None = None


#: A step after a successful sign-in on the sign-in page: given the API's answer, the URL
#: to go to instead of ``next`` (a second-factor page), or ``None``.
SignInStep = Callable[[APIResponse], "str | None"]

#: An account action: reads the posted form, calls ``auth.api``, answers :class:`Done`;
#: raises :class:`~flask_betterauth.APIError`, shown next to its section's forms.
Action = Callable[[MultiDict[str, str]], Done]


@dataclass(frozen=True)
class AccountSection:
    """One section of the account page.

    :param id: the section's HTML id (``#id`` links to it); unique.
    :param title: its heading (an ``h2``).
    :param template: the template included for it; it sees ``section``, ``error`` (the
        words of its last failed action, else ``None``), ``form`` and ``data``.
    :param actions: ``{name: action}``; a form posts ``action=name`` to the account page.
    :param data: ``data()`` loads what the template shows (called on each render);
        an :class:`~flask_betterauth.APIError` it raises is shown as the section's error.
    :param order: sections are shown by increasing ``order``.
    :param shown: ``shown()`` tells whether the section is on the page for the current
        user (a guest's section); always shown without it.
    """

    id: str
    title: str
    template: str
    actions: Mapping[str, Action] = field(default_factory=dict)
    data: Callable[[], Any] | None = None
    order: int = 100
    shown: Callable[[], bool] | None = None


@dataclass(frozen=True)
class SignInIdentifier:
    """Another name a user may type in the sign-in form's first field (a username): a
    value that is not an email address (no ``@``) signs in through ``auth.api.<endpoint>``
    with it as the body's ``field``, the password, ``rememberMe`` and ``callbackURL``.

    :param label: what it is called (``"username"``): the field reads "Email or username".
    :param endpoint: the ``auth.api`` endpoint that signs in with it.
    :param field: the body field that carries it.
    """

    label: str
    endpoint: str
    field: str


@dataclass(frozen=True)
class SignUpField:
    """One more field of the sign-up form, sent in the sign-up body when filled in.

    :param name: the body field (``"username"``) and the input's name.
    :param label: its label.
    :param autocomplete: the input's ``autocomplete``.
    :param hint: words shown under the label.
    """

    name: str
    label: str
    autocomplete: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class SignInLink:
    """Another way to sign in, linked under the sign-in form ("Email me a sign-in link").

    :param endpoint: the page's endpoint in the blueprint (``"magic_link"``), given
        ``next``.
    :param label: the link's words.
    """

    endpoint: str
    label: str


@dataclass(frozen=True)
class ExtraPage:
    """A page a plugin adds to the blueprint (``url_for("betterauth_pages.<endpoint>")``)."""

    rule: str
    endpoint: str
    view: Callable[..., Any]
    methods: Sequence[str] = ("GET",)


class PageKit:
    """What a plugin's ``pages`` callback may add to the pages (see the module docstring)."""

    def __init__(self) -> None:
        self.sections: dict[str, AccountSection] = {}
        self.pages: list[ExtraPage] = []
        self.notices: dict[str, str] = {}
        self.messages: dict[str, str] = {}
        self.sign_in_identifier: SignInIdentifier | None = None
        self.sign_up_fields: list[SignUpField] = []
        self.sign_in_steps: list[SignInStep] = []
        self.sign_in_methods: list[str] = []
        self.sign_in_autocomplete: list[str] = []
        self.banners: list[str] = []
        self.sign_in_links: list[SignInLink] = []

    def add_sign_in_step(self, step: SignInStep) -> None:
        """After the sign-in page's sign-in succeeds, ``step(result)`` may send the browser
        elsewhere first (the two-factor page when the sign-in is held for a code): it
        returns that URL (with the cookies the sign-in set), or ``None``."""
        self.sign_in_steps.append(step)

    def add_sign_in_method(self, template: str) -> None:
        """Show ``template`` under the sign-in form: another way to sign in (a "Sign in
        with a passkey" button). It sees what the sign-in page sees (``next``, ``kit``),
        and ``betterauth_api_path``, the auth routes' base path, for its scripts."""
        self.sign_in_methods.append(template)

    def add_sign_in_autocomplete(self, token: str) -> None:
        """Add ``token`` to the ``autocomplete`` of the sign-in form's first field
        (``"webauthn"``: the browser offers passkeys in that field's autofill)."""
        if token not in self.sign_in_autocomplete:
            self.sign_in_autocomplete.append(token)

    def add_sign_in_link(self, link: SignInLink) -> None:
        """Link another way to sign in (a plugin's page) under the sign-in form."""
        self.sign_in_links.append(link)

    def add_account_section(self, section: AccountSection) -> None:
        """Show ``section`` on the account page.

        :raises BetterAuthError: when a section with its id exists, or an action name
            is taken by another section.
        """
        if section.id in self.sections:
            raise BetterAuthError(f"the account page already has a section {section.id!r}")
        taken = {name for known in self.sections.values() for name in known.actions}
        clash = taken & set(section.actions)
        if clash:
            raise BetterAuthError(f"account actions {sorted(clash)} are already taken")
        self.sections[section.id] = section

    def add_page(
        self, rule: str, endpoint: str, view: Callable[..., Any], methods: Sequence[str] = ("GET",)
    ) -> None:
        """Serve ``view`` at ``rule`` under the pages' prefix. The view should render a
        template that extends ``betterauth/pages/layout.html`` and check
        :func:`~flask_betterauth.pages.csrf_valid` on a post."""
        self.pages.append(ExtraPage(rule, endpoint, view, tuple(methods)))

    def set_sign_in_identifier(self, identifier: SignInIdentifier) -> None:
        """Let the sign-in form take ``identifier`` besides an email address.

        :raises BetterAuthError: when another plugin set one already.
        """
        if self.sign_in_identifier is not None:
            raise BetterAuthError(
                f"the sign-in form already takes a {self.sign_in_identifier.label}"
            )
        self.sign_in_identifier = identifier

    def add_sign_up_field(self, field: SignUpField) -> None:
        """Show ``field`` on the sign-up form (optional; sent only when filled in)."""
        self.sign_up_fields.append(field)

    def add_banner(self, template: str) -> None:
        """Include ``template`` at the top of every page (it decides itself whether to
        show anything: the admin plugin's "stop impersonating" bar)."""
        self.banners.append(template)

    def add_notice(self, key: str, text: str) -> None:
        """A notice a page shows for ``?notice=key`` (after a redirect)."""
        self.notices[key] = text

    def add_messages(self, messages: Mapping[str, str]) -> None:
        """Words shown for API error codes (``{code: words}``)."""
        self.messages.update(messages)

    def ordered_sections(self) -> list[AccountSection]:
        """The sections in the order the account page shows them."""
        return sorted(self.sections.values(), key=lambda section: section.order)
