"""A first end-to-end pass over the core endpoints on both faces."""

from tests.helpers import PASSWORD


def test_sign_up_then_get_session(caller, signed_up):
    reply = caller.call("get_session")
    assert reply.status == 200
    assert reply.json["user"]["email"] == "ann@example.com"
    assert reply.json["session"]["token"] == signed_up["token"]


def test_sign_in_wrong_password(caller, signed_up):
    reply = caller.call("sign_in_email", {"email": "ann@example.com", "password": "nope-nope"})
    assert reply.status == 401
    assert reply.json == {"message": "Invalid email or password", "code": "INVALID_EMAIL_OR_PASSWORD"}


def test_sign_out(caller, signed_up):
    assert caller.call("sign_out", {}).json == {"success": True}
    assert caller.call("get_session").json is None
    reply = caller.call("sign_in_email", {"email": "ann@example.com", "password": PASSWORD})
    assert reply.status == 200
