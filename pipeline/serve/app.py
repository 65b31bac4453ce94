"""The review editor as a Starlette application, and `serve`, which runs it with uvicorn.

Security, in the order a request meets it: the Host header must name this server (no
DNS rebinding; port ignored); every request but the editor's script carries the per-run token (pages
in ``?token=``, saves in the ``X-Newsloc-Token`` header, compared in constant time); a
save is JSON only; every answer forbids framing, sniffing, referrers and any script not
served from here, so text that looks like markup stays text.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import socket
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.config import Config
from pipeline.model import ConfigError, InputError, Locale, NewslocError
from pipeline.serve.editing import ArticleState, Edit, EditConflict, Silence, Workspace
from pipeline.serve.page import editor_page, index_page

TOKEN_HEADER = "x-newsloc-token"
MAX_BODY = 256 * 1024
SCRIPT = Path(__file__).with_name("editor.js")
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def host_name(header: str) -> str:
    """The name in a Host header, without the port: "127.0.0.1", "localhost", "::1" (from "[::1]:8000")."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheck:
    """Refuses a request whose Host header names another server (a DNS-rebinding page's), before any route."""

    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]):
        self.app = app
        self.hosts = {host.lower() for host in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and "*" not in self.hosts:
            header = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            if host_name(header).lower() not in self.hosts:
                await PlainTextResponse("400: unknown host name", status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response, errors included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    workspace: Workspace, token: str, hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
) -> Starlette:
    """The editor for ``workspace``'s articles; ``token`` is the per-run secret."""

    def authorised(request: Request, supplied: str | None) -> bool:
        return supplied is not None and secrets.compare_digest(supplied.encode(), token.encode())

    def forbidden() -> Response:
        return PlainTextResponse(
            "403: this needs the newsloc serve token; open the address `newsloc serve` printed when it started",
            status_code=403,
        )

    def index(request: Request) -> Response:
        if not authorised(request, request.query_params.get("token")):
            return forbidden()
        rows: list[tuple[str, Locale, ArticleState | None, str]] = []
        for slug in sorted(workspace.articles()):
            for locale in workspace.locales:
                try:
                    rows.append((slug, locale, workspace.load(slug, locale), ""))
                except NewslocError as error:
                    rows.append((slug, locale, None, str(error)))
        return HTMLResponse(index_page(rows, token))

    def article(request: Request) -> Response:
        if not authorised(request, request.query_params.get("token")):
            return forbidden()
        locale, slug = target(request)
        return HTMLResponse(editor_page(workspace.load(slug, locale), token))

    async def save(request: Request) -> Response:
        if not authorised(request, request.headers.get(TOKEN_HEADER)):
            return forbidden()
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "send the edit as application/json"}, status_code=415)
        data = await request.body()
        if len(data) > MAX_BODY:
            return JSONResponse({"error": "the edit is too large"}, status_code=413)
        locale, slug = target(request)
        edit, version = parse_edit(data)
        state = await run_sync(lambda: workspace.save(slug, locale, edit, version))
        view = next(
            (v for v in state.article.views if v.segment.key == edit.context and v.segment.text == edit.msgid), None
        )
        flags = [f"{flag.code} ({flag.severity.value})" for flag in view.flags] if view else []
        return JSONResponse(
            {
                "version": state.version,
                "state": view.state.value if view else "",
                "flags": flags,
                "message": f"Saved: {view.state.value if view else ''}; "
                + (f"flags: {', '.join(flags)}" if flags else "no flags"),
            }
        )

    def script(request: Request) -> Response:
        return Response(SCRIPT.read_text(encoding="utf-8"), media_type="text/javascript")

    def target(request: Request) -> tuple[Locale, str]:
        slug = request.path_params["slug"]
        if slug not in workspace.articles():
            raise InputError(f"no article '{slug}' in this project")
        return workspace.locale(request.path_params["lang"]), slug

    async def user_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, NewslocError)
        if isinstance(error, EditConflict):
            current = {"text": error.current.text, "state": error.current.state.value} if error.current else None
            return JSONResponse({"error": str(error), "current": current}, status_code=409)
        if request.method == "GET":
            return PlainTextResponse(f"newsloc: {error}", status_code=404)
        return JSONResponse({"error": str(error)}, status_code=400)

    return Starlette(
        routes=[
            Route("/", index),
            Route("/static/editor.js", script),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
            Route("/review/{lang}/{slug}", article),
            Route("/review/{lang}/{slug}/entry", save, methods=["POST"]),
        ],
        middleware=[Middleware(SecurityHeaders), Middleware(HostCheck, hosts=hosts)],
        exception_handlers={NewslocError: user_error},
    )


async def run_sync(work: Callable):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(work)


def parse_edit(data: bytes) -> tuple[Edit, str]:
    """The JSON body of a save as an Edit and the catalog version the page was loaded from."""
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):
        raise InputError("the edit is not valid JSON") from None
    if not isinstance(body, dict):
        raise InputError("the edit must be a JSON object")
    strings = {name: body.get(name) for name in ("context", "msgid", "version")}
    if not all(isinstance(value, str) for value in strings.values()):
        raise InputError("the edit names no entry (context, msgid) or no version")
    text = body.get("text")
    reviewed = body.get("reviewed")
    silence = body.get("silence")
    if text is not None and not isinstance(text, str):
        raise InputError("text must be a string")
    if reviewed is not None and not isinstance(reviewed, bool):
        raise InputError("reviewed must be true or false")
    parsed_silence = None
    if silence is not None:
        if not isinstance(silence, dict) or not all(isinstance(silence.get(k), str) for k in ("code", "reason")):
            raise InputError("silence needs a flag code and a reason")
        parsed_silence = Silence(silence["code"], silence["reason"])
    edit = Edit(strings["context"], strings["msgid"], text, reviewed, parsed_silence)  # type: ignore[arg-type]
    return edit, strings["version"]  # type: ignore[return-value]


# ---------------------------------------------------------------- running


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (port 0: any free port), or one clear error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host}:{port} ({error.strerror}); choose another --port or --host"
        ) from None
    sock.listen(64)
    return sock


def serve(
    config: Config,
    locales: tuple[Locale, ...],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_remote: bool = False,
    announce: Callable[[str], None] = print,
    warn: Callable[[str], None] = print,
) -> None:
    """Run the editor until interrupted; ``announce`` gets the address with the token."""
    import uvicorn

    if not is_local(host) and not allow_remote:
        raise ConfigError(
            f"--host {host} is not a local address; add --allow-remote to let other machines reach the editor"
        )
    workspace = Workspace(config, locales)
    workspace.articles()  # no articles: one clear line now, not an empty page later
    token = secrets.token_urlsafe(24)
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    hosts = ("127.0.0.1", "localhost", "::1") if is_local(host) else ("*",)
    if not is_local(host):
        warn(
            f"warning: serving on {host}, not only this machine: anyone who can reach it and has the "
            "address below can read and edit the catalogs; the connection is not encrypted"
        )
    shown_host = f"[{host}]" if ":" in host else host
    announce(f"http://{shown_host}:{bound_port}/?token={token}")
    server = uvicorn.Server(
        uvicorn.Config(create_app(workspace, token, hosts), log_level="warning", access_log=False, lifespan="off")
    )
    server.run(sockets=[sock])
