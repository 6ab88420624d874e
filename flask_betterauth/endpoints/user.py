"""What a signed-in user changes about their account: profile, password, email address,
and the account itself.

``POST /update-user``, ``/change-password``, ``/verify-password``, ``/change-email``,
``/delete-user`` and ``GET /delete-user/callback``; ``set_password`` is server-only
(``auth.api.set_password``), as in Better Auth.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from .. import signals
from ..additional_fields import parse_input
from ..context import Context
from ..crypto import LOWER_ALPHANUMERIC
from ..dispatch import Redirect
from ..errors import APIError
from ..links import mail_link
from ..links import mail_token_link
from ..password_rules import check_current_password
from ..password_rules import check_new_password
from ..password_rules import check_password_length
from ..records import Record
from ..records import merged
from ..registry import endpoint
from ..sessions.flows import dont_remember
from ..sessions.flows import reissue_cookies
from ..storage import ConflictError
from ..users import normalise_email
from ..validation import BodySchema
from ..validation import StrictBoolean
from ..validation import StrictString
from ..validation import check_image_url
from ..verification_mail import can_send_verification
from ..verification_mail import send_change_email_verification
from ..verification_mail import send_verification_mail
from ..verification_mail import verification_token

DELETE_PREFIX = "delete-account-"
USER_DELETED = {"success": True, "message": "User deleted"}


# -- update-user ---------------------------------------------------------------------------


def _string_field(body: dict[str, Any], name: str, *, nullable: bool) -> None:
    value = body[name]
    if not (isinstance(value, str) or (nullable and value is None)):
        raise APIError(400, "VALIDATION_ERROR", f"[body.{name}] Invalid input: expected string")
    if isinstance(value, str) and "\x00" in value:
        raise APIError(400, "VALIDATION_ERROR", f"[body.{name}] NUL characters are not allowed")


@endpoint("/update-user", auth="session")
def update_user(ctx: Context) -> dict[str, Any]:
    """Change the user's name, image (``null`` clears it) or additional fields; the email
    is changed through ``/change-email`` instead."""
    body = ctx.body
    if not isinstance(body, dict):
        raise APIError(400, "BODY_MUST_BE_AN_OBJECT")
    if body.get("email"):
        raise APIError(400, "EMAIL_CAN_NOT_BE_UPDATED")
    changes: dict[str, Any] = {}
    for name, nullable in (("name", False), ("image", True)):
        if name in body:
            _string_field(body, name, nullable=nullable)
            changes[name] = body[name]
    check_image_url(changes.get("image"))
    changes.update(parse_input(ctx.state.tables["user"], body, creating=False))
    if not changes:
        raise APIError(400, None, "No fields to update")
    session, user = ctx.signed_in
    reissue_cookies(ctx, session, ctx.users.update(user, changes))
    return {"status": True}


# -- passwords -------------------------------------------------------------------------------


class ChangePasswordBody(BodySchema):
    """The body of ``POST /change-password``."""

    newPassword = StrictString(required=True)
    currentPassword = StrictString(required=True)
    revokeOtherSessions = StrictBoolean()


@endpoint("/change-password", body=ChangePasswordBody, auth="sensitive")
def change_password(ctx: Context) -> dict[str, Any]:
    """Replace the password, given the current one; with ``revokeOtherSessions`` every
    session ends and this browser gets a new one."""
    session, user = ctx.signed_in
    new_password = ctx.body["newPassword"]
    check_password_length(ctx.options.email_and_password, new_password)
    check_current_password(ctx, user["id"], ctx.body["currentPassword"])
    check_new_password(ctx, new_password, user=ctx.user_json(user))
    state = ctx.state
    hashed = state.hasher.hash(new_password)
    revoke = bool(ctx.body.get("revokeOtherSessions"))
    remember = not dont_remember(ctx, session)
    with state.adapter.transaction():
        if revoke:
            state.sessions.revoke_user(user["id"])
        ctx.accounts.set_password(user["id"], hashed)
        pair = (
            state.sessions.create(
                user, remember_me=remember, ip=ctx.client_ip, user_agent=ctx.user_agent
            )
            if revoke
            else None
        )
    token = None
    if pair is not None:
        state.sessions.set_cookies(ctx, pair, dont_remember=not remember)
        ctx.new_session = pair
        token = pair.session["token"]
    signals.send(signals.password_changed, user=user)
    return {"token": token, "user": ctx.user_json(user)}


class SetPasswordBody(BodySchema):
    """The body of ``auth.api.set_password``."""

    newPassword = StrictString(required=True)


@endpoint("/set-password", body=SetPasswordBody, auth="sensitive", server_only=True)
def set_password(ctx: Context) -> dict[str, Any]:
    """Give a password to a user who has none (signed up another way). Server-only."""
    _, user = ctx.signed_in
    new_password = ctx.body["newPassword"]
    check_new_password(ctx, new_password, user=ctx.user_json(user))
    account = ctx.accounts.credential(user["id"])
    if account is not None and account.get("password"):
        raise APIError(400, "PASSWORD_ALREADY_SET")
    ctx.accounts.set_password(user["id"], ctx.state.hasher.hash(new_password))
    return {"status": True}


class VerifyPasswordBody(BodySchema):
    """The body of ``POST /verify-password``."""

    password = StrictString(required=True)


@endpoint("/verify-password", body=VerifyPasswordBody, auth="sensitive", hidden=True)
def verify_password(ctx: Context) -> dict[str, Any]:
    """Check the signed-in user's password (to guard a sensitive page)."""
    _, user = ctx.signed_in
    password = ctx.body["password"]
    check_password_length(ctx.options.email_and_password, password, minimum=False)
    account = ctx.accounts.credential(user["id"])
    stored = account.get("password") if account else None
    if not stored or not ctx.state.hasher.verify(stored, password):
        raise APIError(400, "INVALID_PASSWORD")
    return {"status": True}


# -- change-email ------------------------------------------------------------------------------


class ChangeEmailBody(BodySchema):
    """The body of ``POST /change-email``."""

    newEmail = fields.Email(required=True)
    callbackURL = StrictString()


@endpoint("/change-email", body=ChangeEmailBody, auth="sensitive")
def change_email(ctx: Context) -> dict[str, Any]:
    """Start a change of address: at once for an unverified user when allowed, else by a
    link to the current address (confirmation) or to the new one."""
    options = ctx.options.user.change_email
    if not options.enabled:
        raise APIError(400, "CHANGE_EMAIL_DISABLED")
    session, user = ctx.signed_in
    new_email = normalise_email(ctx.body["newEmail"])
    if new_email == user["email"]:
        raise APIError(400, None, "Email is the same")
    verified = bool(user["emailVerified"])
    without_verification = not verified and options.update_email_without_verification
    can_verify = can_send_verification(ctx)
    mailer = ctx.state.mailer
    confirm_first = can_verify and verified and mailer.can_send("change_email_confirmation")
    if not (without_verification or can_verify):
        raise APIError(400, None, "Verification email isn't enabled")
    callback = ctx.body.get("callbackURL")
    if ctx.users.find_by_email(new_email) is not None:
        verification_token(ctx, user["email"], user["id"], update_to=new_email)
        return {"status": True}
    if without_verification:
        if can_verify:
            send_verification_mail(ctx, merged(user, {"email": new_email}), callback)
        try:
            changed = ctx.users.update(user, {"email": new_email})
        except ConflictError:
            return {"status": True}
        reissue_cookies(ctx, session, changed)
        return {"status": True}
    if confirm_first:
        token = verification_token(
            ctx,
            user["email"],
            user["id"],
            update_to=new_email,
            request_type="change-email-confirmation",
        )
        mailer.send(
            "change_email_confirmation",
            "change-email-confirmation",
            user=user,
            url=mail_link(ctx, "/verify-email", token, callback),
            token=token,
            expires_in=ctx.options.email_verification.expires_in,
            new_email=new_email,
        )
        return {"status": True}
    send_change_email_verification(ctx, user, new_email, callback)
    return {"status": True}


# -- delete-user ------------------------------------------------------------------------------


class DeleteUserBody(BodySchema):
    """The body of ``POST /delete-user``."""

    callbackURL = StrictString()
    password = StrictString()
    token = StrictString()


@endpoint("/delete-user", body=DeleteUserBody, auth="sensitive")
def delete_user(ctx: Context) -> dict[str, Any]:
    """Delete the account: with its password, a mailed token, or a fresh session; when
    ``send_delete_account_verification`` is set, mail a confirmation link first."""
    options = ctx.options.user.delete_user
    if not options.enabled:
        raise APIError(404, body=False)
    session, user = ctx.signed_in
    password = ctx.body.get("password")
    if password:
        check_current_password(ctx, user["id"], password)
    token = ctx.body.get("token")
    if token:
        _delete(ctx, user, token=token)
        return dict(USER_DELETED)
    mailer = ctx.state.mailer
    if mailer.can_send("delete_account"):
        expires_in = options.delete_token_expires_in
        token, row = ctx.verifications.issue(
            DELETE_PREFIX, user["id"], expires_in, alphabet=LOWER_ALPHANUMERIC
        )
        url = mail_link(ctx, "/delete-user/callback", token, ctx.body.get("callbackURL"))
        mail_token_link(
            ctx,
            mailer,
            "delete_account",
            "delete-account",
            user=user,
            url=url,
            token=token,
            row=row,
            expires_in=expires_in,
        )
        return {"success": True, "message": "Verification email sent"}
    if not password and not ctx.state.sessions.is_fresh(session):
        raise APIError(400, "SESSION_EXPIRED")
    _delete(ctx, user)
    return dict(USER_DELETED)


class DeleteUserCallbackQuery(BodySchema):
    """The query of ``GET /delete-user/callback``."""

    token = StrictString(required=True)
    callbackURL = StrictString()


@endpoint("/delete-user/callback", method="GET", query=DeleteUserCallbackQuery, auth="optional")
def delete_user_callback(ctx: Context) -> Any:
    """The mailed deletion link, opened in the browser signed in as that user."""
    if not ctx.options.user.delete_user.enabled:
        raise APIError(404, "NOT_FOUND")
    pair = ctx.state.sessions.read(ctx, disable_cookie_cache=True)
    if pair is None:
        raise APIError(404, "FAILED_TO_GET_USER_INFO")
    _delete(ctx, pair.user, token=ctx.query["token"])
    callback = ctx.query.get("callbackURL")
    return Redirect(callback) if callback else dict(USER_DELETED)


def _delete(ctx: Context, user: Record, *, token: str | None = None) -> None:
    """Delete ``user`` with their sessions, accounts and pending tokens; with ``token``,
    only if this call uses that deletion token up (so a token deletes once)."""
    state = ctx.state
    if token is not None:
        if ctx.verifications.find(DELETE_PREFIX, token, owner=user["id"]) is None:
            raise APIError(404, "INVALID_TOKEN")
    options = ctx.options.user.delete_user
    if options.before_delete is not None:
        options.before_delete(user)
    with state.adapter.transaction():
        if token is not None and ctx.verifications.consume(DELETE_PREFIX, token) is None:
            raise APIError(404, "INVALID_TOKEN")
        ctx.users.delete(user["id"])
    state.sessions.clear_cookies(ctx)
    if options.after_delete is not None:
        options.after_delete(user)
    signals.send(signals.user_deleted, user=user)
