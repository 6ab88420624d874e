"""A provider's ``require_email_verification`` (Better Auth 1.7.24's
``requireEmailVerification``, ``oauth2/link-account.ts``): the user and the account are
created or linked as usual, but no session starts while the local user's e-mail is
unverified. The callback then redirects with ``error=email_not_verified`` and ID-token
sign-in answers 403 ``EMAIL_NOT_VERIFIED``.

The check is the local user's state, not the provider's claim of the moment: a user
verified another way (or by an earlier verified sign-in) keeps access.
"""

from __future__ import annotations

from ..context import Context
from ..errors import APIError
from ..records import Record
from ..verification_mail import can_send_verification
from ..verification_mail import send_verification_mail
from .providers import Provider


def email_gate(
    ctx: Context, provider: Provider, user: Record, *, created: bool, callback_url: str | None
) -> bool:
    """Whether a session may start for ``user`` after a sign-in with ``provider``.

    As Better Auth, a new unverified user is mailed a verification link when
    ``email_verification.send_on_sign_up`` says so (unset: when the provider requires
    verification), and a returning one when ``send_on_sign_in`` is on and the provider
    requires it. A mail that cannot be sent does not stop the answer.
    """
    required = provider.options.require_email_verification
    if user["emailVerified"]:
        return True
    options = ctx.options.email_verification
    if created:
        wanted = options.send_on_sign_up if options.send_on_sign_up is not None else required
    else:
        wanted = required and options.send_on_sign_in
    if wanted and can_send_verification(ctx):
        try:
            send_verification_mail(ctx, user, callback_url)
        except APIError:
            pass  # the person can ask for another link; the sign-in answer stays the same
    return not required
