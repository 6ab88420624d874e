"""A fake of every built-in provider's token and user-info APIs, in one local server
thread: each provider's recorded profile shape (from Better Auth 1.7.24's types and the
providers' docs), and every request it got, so tests check the request's shape (method,
form vs JSON, headers, query) as well as the mapped user."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit


def unsigned_jwt(claims: dict[str, Any]) -> str:
    """A JWT-shaped token (the providers' ID tokens are read unverified)."""

    def part(value: Any) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


#: id -> the user-info API's answer (recorded shape).
PROFILES: dict[str, Any] = {
    "facebook": {
        "id": "fb-1",
        "name": "Face Book",
        "email": "fb@example.com",
        "picture": {"data": {"url": "https://fb.example/p.jpg"}},
    },
    "twitter": {
        "data": {
            "id": "x-2",
            "name": "Ex User",
            "username": "ex",
            "profile_image_url": "https://x.example/i.png",
        }
    },
    "tiktok": {
        "data": {
            "user": {
                "open_id": "tt-3",
                "display_name": "Tik Tok",
                "avatar_large_url": "https://tt.example/a.jpg",
            }
        }
    },
    "vk": {
        "user": {
            "user_id": "vk-4",
            "first_name": "Ivan",
            "last_name": "Petrov",
            "email": "vk@example.com",
            "avatar": "https://vk.example/a.jpg",
        }
    },
    "paypal": {
        "user_id": "https://www.paypal.com/webapps/auth/identity/user/pp-5",
        "name": "Pay Pal",
        "email": "pp@example.com",
        "email_verified": True,
    },
    "dropbox": {
        "account_id": "dbid:6",
        "name": {"display_name": "Drop Box"},
        "email": "db@example.com",
        "email_verified": True,
        "profile_photo_url": "https://db.example/p.jpg",
    },
    "notion": {
        "object": "user",
        "type": "bot",
        "bot": {
            "owner": {
                "type": "user",
                "user": {
                    "id": "no-7",
                    "name": "No Tion",
                    "avatar_url": "https://notion.example/a.png",
                    "person": {"email": "no@example.com"},
                },
            }
        },
    },
    "roblox": {
        "sub": "rb-8",
        "nickname": "Blocky",
        "preferred_username": "blocky",
        "picture": "https://rb.example/p.png",
    },
    "linear": {
        "data": {
            "viewer": {
                "id": "li-9",
                "name": "Lin Ear",
                "email": "lin@example.com",
                "avatarUrl": "https://linear.example/a.png",
            }
        }
    },
    "atlassian": {
        "account_id": "at-10",
        "name": "Atla Ssian",
        "email": "at@example.com",
        "picture": "https://at.example/p.png",
    },
    "kakao": {
        "id": 11,
        "kakao_account": {
            "profile": {"nickname": "Kaka", "thumbnail_image_url": "https://k.example/t.jpg"},
            "email": "ka@example.com",
            "is_email_valid": True,
            "is_email_verified": True,
        },
    },
    "naver": {
        "resultcode": "00",
        "message": "success",
        "response": {
            "id": "nv-12",
            "nickname": "Nabi",
            "email": "nv@example.com",
            "profile_image": "https://nv.example/p.png",
        },
    },
    "salesforce": {
        "user_id": "sf-13",
        "name": "Sales Force",
        "email": "sf@example.com",
        "email_verified": True,
        "photos": {"thumbnail": "https://sf.example/t.png"},
    },
    "vercel": {
        "sub": "vc-14",
        "preferred_username": "vee",
        "email": "vc@example.com",
        "email_verified": True,
        "picture": "https://vc.example/p.png",
    },
    "polar": {
        "id": "po-15",
        "username": "polar-bear",
        "email": "po@example.com",
        "email_verified": True,
        "avatar_url": "https://po.example/a.png",
    },
    "railway": {
        "sub": "rw-16",
        "name": "Rail Way",
        "email": "rw@example.com",
        "picture": "https://rw.example/p.png",
    },
    "wechat": {
        "openid": "wx-open-22",
        "nickname": "Wei Xin",
        "headimgurl": "https://wx.example/h.png",
        "privilege": [],
        "unionid": "wx-union-22",
    },
    "cloudflare": {
        "success": True,
        "result": {"id": "cf-17", "email": "cf@example.com", "first_name": "Cloud"},
    },
}

#: WeChat's token answer (a GET; ``openid`` and ``unionid`` beside the tokens).
WECHAT_TOKEN = {
    "access_token": "at-wechat",
    "expires_in": 7200,
    "refresh_token": "rt-wechat",
    "openid": "wx-open-22",
    "scope": "snsapi_login,snsapi_userinfo",
    "unionid": "wx-union-22",
}

#: id -> the ID token's claims, for providers whose profile is the token endpoint's.
ID_TOKENS: dict[str, dict[str, Any]] = {
    "cognito": {
        "sub": "cg-18",
        "given_name": "Cog",
        "email": "cg@example.com",
        "email_verified": "true",
        "picture": "https://cg.example/p.png",
    },
    "line": {"sub": "ln-19", "name": "Li Ne", "email": "ln@example.com"},
    "paybin": {
        "sub": "pb-20",
        "preferred_username": "paybin-user",
        "email": "pb@example.com",
        "email_verified": True,
    },
    "paypal": {"sub": "https://www.paypal.com/webapps/auth/identity/user/pp-5"},
    "microsoft": {
        "oid": "ms-21",
        "sub": "pairwise-sub",
        "name": "Micro Soft",
        "email": "ms@example.com",
        "verified_primary_email": ["ms@example.com"],
    },
}

#: The bytes of the Microsoft Graph profile photo.
PHOTO = b"\xff\xd8\xff\xe0 a jpeg"

#: Facebook's ``debug_token`` answer for an access token it issued this app.
FACEBOOK_DEBUG = {"data": {"is_valid": True, "app_id": "facebook-client", "user_id": "fb-1"}}

#: The confirmed e-mail X answers on its second call.
TWITTER_EMAIL = {"data": {"id": "x-2", "confirmed_email": "x@example.com"}}


class Handler(BaseHTTPRequestHandler):
    """``POST /token/<id>``; ``GET|POST /userinfo/<id>[/<what>]``."""

    #: Every request, in order: dicts of path, id, method, query, headers, form, json.
    seen: list[dict[str, Any]] = []
    #: Per id, a replacement answer (status, body) for the next user-info calls.
    override: dict[str, tuple[int, Any]] = {}
    #: Per id, a replacement answer (status, body) for the next token calls.
    token_override: dict[str, tuple[int, Any]] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, body: Any, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> dict[str, Any]:
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        kind = self.headers.get("Content-Type") or ""
        entry = {
            "path": url.path,
            "kind": parts[0],
            "id": parts[1] if len(parts) > 1 else "",
            "what": parts[2] if len(parts) > 2 else "",
            "method": self.command,
            "query": {k: v[0] for k, v in parse_qs(url.query).items()},
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "form": {k: v[0] for k, v in parse_qs(raw).items()} if "form" in kind else {},
            "json": json.loads(raw) if "json" in kind and raw else None,
            "raw": raw,
        }
        self.seen.append(entry)
        return entry

    def _answer(self) -> None:
        entry = self._record()
        provider_id = entry["id"]
        if entry["kind"] == "token" and provider_id in self.token_override:
            status, body = self.token_override[provider_id]
            self._send(body, status)
            return
        if entry["kind"] == "token" and provider_id == "line" and entry["what"] == "verify":
            # LINE's /verify: the token's claims, addressed to the channel asking
            claims = {**ID_TOKENS["line"], "aud": entry["form"].get("client_id")}
            if entry["form"].get("nonce"):
                claims["nonce"] = entry["form"]["nonce"]
            self._send(claims)
            return
        if entry["kind"] == "token" and provider_id == "wechat":
            refreshed = entry["query"].get("grant_type") == "refresh_token"
            self._send(
                {**WECHAT_TOKEN, "access_token": "at-wechat-2"} if refreshed else WECHAT_TOKEN
            )
            return
        if entry["kind"] == "token":
            answer: dict[str, Any] = {
                "access_token": f"at-{provider_id}",
                "token_type": "Bearer",
                "expires_in": 3600,
            }
            if provider_id in ID_TOKENS:
                answer["id_token"] = unsigned_jwt(ID_TOKENS[provider_id])
            self._send(answer)
            return
        if entry["what"] == "photos":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(PHOTO)))
            self.end_headers()
            self.wfile.write(PHOTO)
            return
        if provider_id in self.override:
            status, body = self.override[provider_id]
            self._send(body, status)
            return
        if provider_id == "facebook" and entry["what"] == "debug_token":
            self._send(FACEBOOK_DEBUG)
        elif provider_id == "twitter" and "confirmed_email" in entry["query"].get(
            "user.fields", ""
        ):
            self._send(TWITTER_EMAIL)
        elif provider_id in PROFILES:
            self._send(PROFILES[provider_id])
        else:
            self._send({"error": "unknown"}, 404)

    do_GET = _answer
    do_POST = _answer


def serve() -> Iterator[str]:
    """Run :class:`Handler` on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def requests_for(provider_id: str, kind: str = "userinfo") -> list[dict[str, Any]]:
    """The requests the fake got for ``provider_id`` (``token`` or ``userinfo``)."""
    return [e for e in Handler.seen if e["id"] == provider_id and e["kind"] == kind]
