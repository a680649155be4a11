"""Notifications: build the summaries, write them to the outbox, deliver them with apprise.

Exactly once: a message is first inserted into ``outbox`` keyed by (job, period, channel) — the
unique key makes a second insert for the same period a no-op, also when two processes insert
at the same moment — and only then delivered. A process delivers a row only after claiming it
with a conditional UPDATE (``status`` pending → sending) that succeeds for one process alone.
A failed delivery is retried with backoff; after the last try the row stays ``failed`` and
``tracker notify log`` shows it.

A long summary is split at line boundaries into numbered parts, one outbox row each: the first
part carries the period itself (2023-W41), later ones "2023-W41 2/3". ``--force`` writes a new
message under "2023-W41#2" so history is kept.

Channel URLs carry tokens: they are never printed or logged in full (``mask_url``; a logging
filter replaces every known secret with ***).

apprise is used for every channel. Three custom apprise schemas (its ``@notify`` decorator) fix
what apprise gets wrong for the group robots:

- ``dingtalks://[SECRET@]TOKEN``: apprise's signed DingTalk mode URL-encodes the signature twice
  (DingTalk answers "sign not match"), and its DingTalk plugin ignores the robot's ``errcode``
  (a refused message — wrong keyword, rate limit — would count as sent).
- ``wecombots://KEY``: apprise's WeCom robot plugin ignores ``errcode`` too and cannot @-mention
  by mobile (``mentioned_mobile_list``).
- ``feishus://[SECRET@]TOKEN``: apprise's Feishu plugin cannot sign (签名校验).

``dingtalk://`` and ``wecombot://`` URLs, and the robots' native webhook addresses, are rewritten
to these (``normalize_url``). All three take ``?server=http://host:port`` to go through an
intranet relay (and for tests).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import os
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from tracker import messages, store, tasks
from tracker.context import Context
from tracker.db import Connection
from tracker.errors import ConfigError, InputError

log = logging.getLogger("tracker.notify")

JOBS = ("overdue", "weekly")
JOB_NAMES = {"overdue": "逾期提醒", "weekly": "每周汇总", "test": "测试消息"}
# Size limits in UTF-8 bytes of one message (title and body), with some room for the payload.
SIZE_LIMITS = {"wecombot": 2000, "wecombots": 2000, "dingtalk": 18000, "dingtalks": 18000, "feishu": 18000,
               "feishus": 18000, "lark": 18000}
# Seconds between two messages to the same robot: DingTalk and WeCom allow 20 a minute, Feishu 5 a second.
PACING = {"wecombot": 3.1, "wecombots": 3.1, "dingtalk": 3.1, "dingtalks": 3.1, "feishu": 0.25, "feishus": 0.25,
          "lark": 0.25}
# Robots that can @-mention a group member by mobile number (DingTalk atMobiles, WeCom mentioned_mobile_list).
MENTION_SCHEMES = {"dingtalk", "dingtalks", "wecombot", "wecombots"}
WECOM_SCHEMES = {"wecombot", "wecombots"}
ROBOT_SCHEMES = {"dingtalk", "dingtalks", "wecombot", "wecombots", "feishu", "feishus", "lark"}
STALE_CLAIM = timedelta(minutes=15)
PREVIEW = "（未配置渠道：全部单位）"


# -- channels ----------------------------------------------------------------------------------
@dataclass
class Channel:
    name: str
    url: str
    units: set[str] | None = None
    mention: list[str] | None = None

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower()

    @property
    def limit(self) -> int | None:
        return SIZE_LIMITS.get(self.scheme)

    @property
    def interval(self) -> float:
        return PACING.get(self.scheme, 0.0)

    @property
    def can_mention(self) -> bool:
        return self.scheme in MENTION_SCHEMES

    @property
    def masked(self) -> str:
        return mask_url(self.url) if self.url else ""

    def url_with_mobiles(self, mobiles: list[str]) -> str:
        """The URL with mobiles appended as path targets (DingTalk atMobiles, WeCom mentioned_mobile_list)."""
        if not mobiles or not self.can_mention:
            return self.url
        base, sep, query = self.url.partition("?")
        return base.rstrip("/") + "/" + "/".join(quote(m, safe="") for m in mobiles) + "/" + sep + query


def normalize_url(url: str) -> str:
    """The URL tracker delivers to: DingTalk and WeCom robots go through tracker's schemas.

    ``dingtalk://…`` → ``dingtalks://…`` and ``wecombot://…`` → ``wecombots://…`` (apprise's own
    plugins sign wrongly / ignore the robot's errcode / cannot @ by mobile). A robot's native
    webhook address, pasted as is, is accepted too (with ``&secret=SEC…`` for 加签 / 签名校验).
    """
    u = url.strip()
    scheme, _, rest = u.partition("://")
    scheme = scheme.lower()
    if scheme == "dingtalk":
        return "dingtalks://" + rest
    if scheme == "wecombot":
        return "wecombots://" + rest
    if scheme in ("http", "https"):
        return _native_webhook(u) or u
    return u


def _native_webhook(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    q = dict(parse_qsl(parts.query))
    path = parts.path.rstrip("/")
    secret = q.get("secret", "")
    user = quote(secret, safe="") + "@" if secret else ""
    if host == "oapi.dingtalk.com" and path == "/robot/send" and q.get("access_token"):
        return f"dingtalks://{user}{quote(q['access_token'], safe='')}/"
    if host == "qyapi.weixin.qq.com" and path == "/cgi-bin/webhook/send" and q.get("key"):
        return f"wecombots://{quote(q['key'], safe='')}"
    if host in ("open.feishu.cn", "open.larksuite.com") and "/open-apis/bot/v2/hook/" in path:
        token = path.rsplit("/hook/", 1)[1].strip("/")
        server = "" if host == "open.feishu.cn" else "/?server=https://open.larksuite.com"
        return f"feishus://{user}{quote(token, safe='')}{server}" if token else None
    return None


def channels(ctx: Context, only: str | None = None) -> list[Channel]:
    """The configured channels (one by name with ``only``); InputError when there are none.

    Reading them also teaches the log filter their secrets (see ``redact``).
    """
    raw = ctx.config.get("notify", "channels") or []
    out = []
    for ch in raw:
        c = Channel(name=str(ch["name"]).strip(), url=normalize_url(str(ch["url"])),
                    units=set(ch["units"]) if ch.get("units") else None,
                    mention=[str(m) for m in ch["mention"]] if "mention" in ch else None)
        remember_secrets(str(ch["url"]).strip())
        remember_secrets(c.url)
        out.append(c)
    if not out:
        raise InputError(f"尚未配置通知渠道：请在配置文件（{ctx.config.where}）中添加 [[notify.channels]]，"
                         "见 docs/notifications.md")
    if only is not None:
        picked = [c for c in out if c.name == only.strip()]
        if not picked:
            raise InputError(f"未知通知渠道：{only}（已配置：{'、'.join(c.name for c in out)}）")
        return picked
    return out


def check_channels(ctx: Context, chans: list[Channel]) -> None:
    """ConfigError (exit code 2) for a channel whose URL apprise cannot use."""
    import apprise

    register_plugins()
    lg = logging.getLogger("apprise")
    level = lg.level
    lg.setLevel(logging.CRITICAL)  # apprise would log the (partly masked) URL; the message below says it all
    try:
        bad = [ch for ch in chans if not apprise.Apprise().add(ch.url)]
    finally:
        lg.setLevel(level)
    if bad:
        ch = bad[0]
        raise ConfigError(f"通知渠道“{ch.name}”的地址无效或不受支持：{ch.masked}"
                          f"（写法见 docs/notifications.md），文件：{ctx.config.where}")


# -- secrets -----------------------------------------------------------------------------------
_SECRETS: set[str] = set()


def _looks_like_host(s: str) -> bool:
    return "." in s or s == "localhost"


def url_secrets(url: str) -> list[str]:
    """Parts of a channel URL that must not be shown: tokens, secrets, passwords, query values."""
    try:
        parts = urlsplit(url)
        user, password, host = parts.username, parts.password, parts.hostname
    except ValueError:
        return [url]
    found = [url]
    for s in (user, password):
        if s:
            found += [s, unquote(s)]
    netloc_host = parts.netloc.rsplit("@", 1)[-1]
    if netloc_host and (parts.scheme.lower() in ROBOT_SCHEMES or not _looks_like_host(host or "")):
        found += [netloc_host, unquote(netloc_host)]
    for seg in parts.path.split("/"):
        if len(seg) >= 6:
            found += [seg, unquote(seg)]
    for pair in parts.query.split("&"):
        value = pair.partition("=")[2]
        if len(value) >= 4 and not value.startswith("http"):
            found += [value, unquote(value)]
    return [s for s in found if len(s) >= 4]


def remember_secrets(url: str) -> None:
    _SECRETS.update(url_secrets(url))


def redact(text: str) -> str:
    for s in sorted(_SECRETS, key=len, reverse=True):
        if s in text:
            text = text.replace(s, "***")
    return text


def mask_url(url: str) -> str:
    """A channel URL safe to show: scheme, mail/web host, everything secret replaced by ***."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return url.split("://", 1)[0] + "://***"
    scheme = parts.scheme.lower()
    shown = host + port if host and scheme not in ROBOT_SCHEMES and _looks_like_host(host) else "***"
    user = "***@" if parts.username or parts.password else ""
    tail = "/***" if parts.path.strip("/") or parts.query else ""
    return f"{scheme}://{user}{shown}{tail}"


class RedactFilter(logging.Filter):
    """Replaces every known channel secret in a log record, and in its traceback, by ***."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SECRETS:
            msg = record.getMessage()
            clean = redact(msg)
            if clean != msg:
                record.msg, record.args = clean, ()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


class ZonedFormatter(logging.Formatter):
    """Log times in the configured time zone (not the machine's), with the offset shown."""

    def __init__(self, fmt: str, timezone: str | None = None):
        super().__init__(fmt)
        self.zone = timezone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        from datetime import datetime
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(self.zone) if self.zone else None
        when = datetime.fromtimestamp(record.created, tz).astimezone(tz)
        return when.strftime(datefmt or "%Y-%m-%d %H:%M:%S%z")


def setup_logging(level: int = logging.INFO, quiet_apprise: bool = True, timezone: str | None = None) -> None:
    """Log to stderr with secrets redacted (the daemon, and CLI commands that send), with times
    in ``timezone`` (the configured [general] timezone)."""
    _guard_apprise_logger(quiet_apprise)
    root = logging.getLogger()
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    mine = [h for h in root.handlers if getattr(h, "_tracker", False)]
    for h in mine:
        h.setFormatter(ZonedFormatter(fmt, timezone))
    if not mine:
        h = _StderrHandler()
        h._tracker = True  # type: ignore[attr-defined]
        h.setFormatter(ZonedFormatter(fmt, timezone))
        h.addFilter(RedactFilter())
        root.addHandler(h)
    root.setLevel(level)
    logging.getLogger("tracker").setLevel(level)


def _guard_apprise_logger(quiet: bool = True) -> None:
    """apprise logs URLs at debug level: never below WARNING, and redacted."""
    lg = logging.getLogger("apprise")
    if quiet or lg.level < logging.WARNING:
        lg.setLevel(logging.WARNING if quiet else max(lg.level, logging.WARNING))
    if not any(isinstance(f, RedactFilter) for f in lg.filters):
        lg.addFilter(RedactFilter())


# -- custom apprise schemas ------------------------------------------------------------------------
def dingtalk_sign(secret: str, timestamp_ms: str) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(secret, "timestamp\\nsecret")) — not yet URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: str) -> str:
    """Feishu 签名校验: base64(HMAC-SHA256(key="timestamp\\nsecret", msg=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _post_json(url: str, payload: dict[str, Any], verify: bool = True) -> tuple[int, Any]:
    import ssl
    import urllib.error
    import urllib.request

    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    context = None if verify else ssl._create_unverified_context()
    try:
        with urllib.request.urlopen(req, timeout=15, context=context) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        body = json.loads(raw.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        body = None
    return status, body


def _meta_parts(meta: dict[str, Any]) -> tuple[str, str, list[str], dict[str, str], bool]:
    """(token, secret, path targets, query, verify) of a custom schema's URL: SCHEME://SECRET@TOKEN/T1/T2."""
    qsd = {k: unquote(str(v)) for k, v in (meta.get("qsd") or {}).items()}
    token = unquote(str(meta.get("host") or qsd.get("token") or qsd.get("key") or ""))
    secret = unquote(str(meta.get("user") or qsd.get("secret") or ""))
    path = str(meta.get("fullpath") or meta.get("path") or "")
    targets = [unquote(p) for p in path.split("/") if p.strip()]
    return token, secret, targets, qsd, bool(meta.get("verify", True))


def _apprise_warn(message: str) -> None:
    logging.getLogger("apprise").warning(message)


def send_dingtalk_signed(body: str, title: str, notify_type: str, meta: dict[str, Any], *args: Any,
                         **kwargs: Any) -> bool:
    """dingtalks://[SECRET@]TOKEN/[MOBILE/…][?server=URL]: a DingTalk robot Markdown message, signed
    correctly when a secret is given, failing on the robot's errcode."""
    token, secret, mobiles, qsd, verify = _meta_parts(meta)
    if not token:
        _apprise_warn("钉钉机器人地址缺少 access_token")
        return False
    server = qsd.get("server", "https://oapi.dingtalk.com").rstrip("/")
    params = {"access_token": token}
    if secret:
        ts = str(int(time.time() * 1000))
        params.update(timestamp=ts, sign=dingtalk_sign(secret, ts))
    text = f"### {title}\n{body}" if title else body
    payload = {"msgtype": "markdown", "markdown": {"title": title or "tracker", "text": text},
               "at": {"atMobiles": mobiles, "isAtAll": False}}
    try:
        status, answer = _post_json(f"{server}/robot/send?{urlencode(params)}", payload, verify)
    except OSError as exc:
        _apprise_warn(f"钉钉机器人连接失败：{exc}")
        return False
    if status != 200 or not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
        detail = answer.get("errmsg") if isinstance(answer, dict) else ""
        code = answer.get("errcode") if isinstance(answer, dict) else ""
        _apprise_warn(f"钉钉机器人拒收：HTTP {status} errcode={code} {detail}".strip())
        return False
    return True


def send_wecom(body: str, title: str, notify_type: str, meta: dict[str, Any], *args: Any,
               **kwargs: Any) -> bool:
    """wecombots://KEY/[MOBILE/…][?server=URL]: a WeCom robot text message that @-mentions the
    mobiles (mentioned_mobile_list) and fails on the robot's errcode."""
    key, _, mobiles, qsd, verify = _meta_parts(meta)
    if not key:
        _apprise_warn("企业微信机器人地址缺少 key")
        return False
    server = qsd.get("server", "https://qyapi.weixin.qq.com").rstrip("/")
    text: dict[str, Any] = {"content": f"{title}\n{body}" if title else body}
    if mobiles:
        text["mentioned_mobile_list"] = mobiles
    try:
        status, answer = _post_json(f"{server}/cgi-bin/webhook/send?{urlencode({'key': key})}",
                                    {"msgtype": "text", "text": text}, verify)
    except OSError as exc:
        _apprise_warn(f"企业微信机器人连接失败：{exc}")
        return False
    if status != 200 or not isinstance(answer, dict) or answer.get("errcode", 0) != 0:
        detail = answer.get("errmsg") if isinstance(answer, dict) else ""
        code = answer.get("errcode") if isinstance(answer, dict) else ""
        _apprise_warn(f"企业微信机器人拒收：HTTP {status} errcode={code} {detail}".strip())
        return False
    return True


def send_feishu_signed(body: str, title: str, notify_type: str, meta: dict[str, Any], *args: Any,
                       **kwargs: Any) -> bool:
    """feishus://SECRET@TOKEN[?server=URL]: a Feishu robot card with 签名校验."""
    token, secret, _, qsd, verify = _meta_parts(meta)
    if not token:
        _apprise_warn("飞书机器人地址缺少 hook token")
        return False
    server = qsd.get("server", "https://open.feishu.cn").rstrip("/")
    # Feishu's lark_md has no headings: show them bold.
    content = "\n".join(f"**{ln.lstrip('#').strip()}**" if ln.startswith("#") else ln for ln in body.splitlines())
    payload: dict[str, Any] = {
        "msg_type": "interactive",
        "card": {"config": {"wide_screen_mode": True},
                 "header": {"title": {"tag": "plain_text", "content": title or "tracker"}, "template": "blue"},
                 "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": content}}]},
    }
    if secret:
        ts = str(int(time.time()))
        payload = {"timestamp": ts, "sign": feishu_sign(secret, ts), **payload}
    try:
        status, answer = _post_json(f"{server}/open-apis/bot/v2/hook/{quote(token, safe='')}", payload, verify)
    except OSError as exc:
        _apprise_warn(f"飞书机器人连接失败：{exc}")
        return False
    code = None
    if isinstance(answer, dict):
        code = answer.get("code", answer.get("StatusCode", 0))
    if status != 200 or code not in (0, None):
        detail = answer.get("msg", "") if isinstance(answer, dict) else ""
        _apprise_warn(f"飞书机器人拒收：HTTP {status} code={code} {detail}".strip())
        return False
    return True


_registered = False
_register_lock = threading.Lock()


def register_plugins() -> None:
    """Register dingtalks://, wecombots:// and feishus:// with apprise (once per process)."""
    global _registered
    with _register_lock:
        if _registered:
            return
        from apprise.decorators import notify as apprise_notify

        _guard_apprise_logger()
        apprise_notify(on="dingtalks", name="DingTalk (signed, tracker)")(send_dingtalk_signed)
        apprise_notify(on="wecombots", name="WeCom robot (tracker)")(send_wecom)
        apprise_notify(on="feishus", name="Feishu (signed, tracker)")(send_feishu_signed)
        _registered = True


# -- delivery ----------------------------------------------------------------------------------
class DeliveryError(Exception):
    pass


_last_sent: dict[str, float] = {}
_pace_lock = threading.Lock()


def _pace(ch: Channel) -> None:
    """Keep a robot's rate limit: wait until ``interval`` seconds after the last message to it."""
    if ch.interval <= 0:
        return
    with _pace_lock:
        wait = _last_sent.get(ch.name, 0.0) + ch.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        _last_sent[ch.name] = time.monotonic()


def split_title(text: str) -> tuple[str, str]:
    """A stored message's title (its first line, a Markdown heading) and body."""
    first, _, rest = text.partition("\n")
    return first.lstrip("#").strip(), rest.strip("\n")


def mobiles_in(text: str) -> list[str]:
    """The mobiles of a message's trailing @-line."""
    lines = text.rstrip().splitlines()
    last = lines[-1].split() if lines else []
    if last and all(w.startswith("@") and w[1:].lstrip("+").isdigit() for w in last):
        return [w[1:] for w in last]
    return []


def adapt_markdown(scheme: str, body: str) -> str:
    """WeCom robots get plain text: headings become 【…】, bold marks go, and the @-line goes
    (the mobiles travel in mentioned_mobile_list). Feishu's lark_md has no headings: they become bold."""
    if scheme in WECOM_SCHEMES:
        if mobiles_in(body):
            body = body.rstrip().rsplit("\n", 1)[0].rstrip() if "\n" in body.rstrip() else ""
        lines = [f"【{ln.lstrip('#').strip()}】" if ln.startswith("#") else ln for ln in body.splitlines()]
        return "\n".join(lines).replace("**", "")
    if scheme in ("feishu", "lark"):
        return "\n".join(f"**{ln.lstrip('#').strip()}**" if ln.startswith("#") else ln for ln in body.splitlines())
    return body


def deliver(ch: Channel, text: str) -> None:
    """Send one stored message through apprise; DeliveryError (redacted) when it fails."""
    import apprise

    register_plugins()
    remember_secrets(ch.url)
    url = ch.url_with_mobiles(mobiles_in(text))
    remember_secrets(url)
    obj = apprise.Apprise()
    if not obj.add(url):
        raise DeliveryError(f"渠道地址无效或 apprise 不支持：{ch.masked}")
    title, body = split_title(text)
    body = adapt_markdown(ch.scheme, body)
    _pace(ch)
    try:
        with apprise.LogCapture(level=logging.WARNING) as captured:
            ok = obj.notify(body=body, title=title, body_format=apprise.NotifyFormat.MARKDOWN)
    except Exception as exc:  # noqa: BLE001 - any failure of a plugin is a failed delivery
        raise DeliveryError(redact(f"发送出错：{type(exc).__name__}: {exc}")[:500]) from None
    if not ok:
        lines = [ln.split(" - ", 2)[-1] for ln in captured.getvalue().strip().splitlines() if ln.strip()]
        raise DeliveryError(redact("；".join(lines[-2:]) or "发送失败（apprise 未给出原因）")[:500])


# -- outbox ------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What happened to one channel in one send."""

    channel: str
    target: str  # masked URL
    status: str  # sent | skipped | empty | failed | busy | dry-run
    period: str = ""
    parts: int = 0
    detail: str = ""
    bodies: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def period_of(job: str, day: date) -> str:
    return messages.iso_week(day) if job == "weekly" else day.isoformat()


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def build(ctx: Context, job: str, chans: list[Channel]) -> dict[str, list[str]]:
    """Each channel's message parts for ``job`` on ctx.today (an empty list: nothing to send)."""
    if job not in JOBS:
        raise InputError(f"未知通知类型：{job}（可选：overdue 逾期提醒、weekly 每周汇总）")
    today = ctx.today
    from tracker.reports.data import report_weekday, stale_days

    # The same report week as the weekly report: from the day after last week's report day.
    start, cut = messages.report_week(today, report_weekday(ctx))
    end = min(cut, today)

    def load(c: Connection) -> tuple[Any, ...]:
        views = tasks.load_views(c, ctx)
        notes = store.latest_notes(c) if job == "overdue" else {}
        week = store.progress_between(c, start.isoformat(), end.isoformat()) if job == "weekly" else []
        forms = _forms_missing(c, today) if job == "weekly" else None
        return views, notes, week, store.units(c), forms

    views, notes, week, unit_rows, forms = ctx.db.read(load)
    known = {u["name"] for u in unit_rows}
    contacts = {u["name"]: str(u["contact"]).strip() for u in unit_rows if u.get("contact")}
    out: dict[str, list[str]] = {}
    for ch in chans:
        if ch.units:
            unknown = sorted(ch.units - known)
            if unknown:
                log.warning("渠道 %s 配置的单位不存在：%s", ch.name, "、".join(unknown))
        if job == "overdue":
            msg = messages.overdue_message(views, notes, today, ch.units)
        else:
            msg = messages.weekly_message(views, week, unit_rows, today, ch.units, (start, cut), stale_days(ctx),
                                          ctx.rules.due_soon_days)
            if forms is not None:  # 填报 forms in use: name the units that have not sent this period's
                messages.add_form_reminder(msg, forms[0], forms[1], ch.units)
        if msg is None:
            out[ch.name] = []
            continue
        mention_contacts, extra = _mentions(ch, job, contacts)
        out[ch.name] = messages.split(msg, ch.limit, mention_contacts, extra)
    return out


def _forms_missing(c: Connection, today: date) -> tuple[str, list[str]] | None:
    from tracker.sheets.forms import missing_units

    found = missing_units(c, today)
    return None if found is None else (found[0].label, found[1])


def _mentions(ch: Channel, job: str, contacts: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Whom a channel @-mentions: by default the contacts of units in an overdue list.

    ``mention = [...]`` in the channel lists mobiles and/or unit names to @ in every message
    instead (``mention = []``: nobody). Only DingTalk robots can @ by mobile number.
    """
    if not ch.can_mention:
        return {}, []
    if ch.mention is None:
        return (contacts if job == "overdue" else {}), []
    extra = []
    for m in ch.mention:
        m = m.strip()
        if m.lstrip("+").isdigit():
            extra.append(m)
        elif m in contacts:
            extra.append(contacts[m])
    return {}, extra


def _family(c: Connection, job: str, head: str, channel: str) -> list[dict[str, Any]]:
    return store.outbox_family(c, job, head, channel)


def enqueue(ctx: Context, job: str, period: str, channel: str, bodies: list[str],
            force: bool = False) -> tuple[str, bool]:
    """Write a message's parts to the outbox; return (head period, whether new rows were written).

    Without ``force`` an existing message for the period is left alone (a concurrent insert by
    another process counts as existing: the unique key decides). With ``force`` the message is
    written under the next free "period#N".
    """
    now = ctx.now()

    def write(c: Connection, head: str) -> bool:
        n = len(bodies)
        for i, body in enumerate(bodies, 1):
            p = head if i == 1 else f"{head} {i}/{n}"
            new_id = store.insert_outbox(c, job=job, period=p, channel=channel, body=body, created_at=now)
            if new_id is None:
                if i == 1:
                    return False
                raise DeliveryError(f"发件箱记录冲突：{job} {p} {channel}")
        return True

    if not force:
        return period, ctx.db.write(lambda c: write(c, period))
    for _ in range(10):
        heads = ctx.db.read(lambda c: store.outbox_heads(c, job, period, channel))
        numbers = [1 if h == period else int(h.rsplit("#", 1)[1]) for h in heads
                   if h == period or h.rsplit("#", 1)[-1].isdecimal()]
        head = period if not numbers else f"{period}#{max(numbers) + 1}"
        if ctx.db.write(lambda c, head=head: write(c, head)):  # type: ignore[misc]
            return head, True
    raise DeliveryError("发件箱写入冲突，请重试")


def deliver_family(ctx: Context, ch: Channel, job: str, head: str, retry_failed: bool = False) -> Outcome:
    """Deliver the unsent parts of one outbox message in order, claiming each row first."""
    me = _worker_id()
    max_attempts = max(1, int(ctx.config.get("notify", "max_attempts")))
    backoff = float(ctx.config.get("notify", "retry_backoff"))
    rows = ctx.db.read(lambda c: _family(c, job, head, ch.name))
    out = Outcome(ch.name, ch.masked, "sent", head, len(rows))
    sent_now = 0
    for row in rows:
        if row["status"] == "sent":
            continue
        stale = ctx.now() - STALE_CLAIM
        claimed = ctx.db.write(lambda c, rid=row["id"], stale=stale: store.claim_outbox(  # type: ignore[misc]
            c, rid, me, ctx.now(), stale, retry_failed))
        if not claimed:
            fresh = ctx.db.read(lambda c, rid=row["id"]: store.outbox_row(c, rid))  # type: ignore[misc]
            if fresh and fresh["status"] == "sent":
                continue
            out.status = "failed" if fresh and fresh["status"] == "failed" else "busy"
            out.detail = ("上次发送失败（用 tracker notify send 重试）" if out.status == "failed"
                          else f"另一进程正在发送（{fresh['claimed_by'] if fresh else ''}）")
            return out
        error = ""
        for attempt in range(1, max_attempts + 1):
            try:
                deliver(ch, row["body"])
            except DeliveryError as exc:
                error = str(exc)
                log.warning("发送失败：%s %s → %s（第 %d/%d 次）：%s", job, row["period"], ch.name, attempt,
                            max_attempts, error)
                last = attempt == max_attempts
                ctx.db.write(lambda c, rid=row["id"], e=error, last=last: store.outbox_attempt_failed(  # type: ignore[misc]
                    c, rid, me, e, final=last))
                if not last:
                    time.sleep(backoff * (2 ** (attempt - 1)))
                continue
            ctx.db.write(lambda c, rid=row["id"]: store.outbox_sent(c, rid, me, ctx.now()))  # type: ignore[misc]
            log.info("已发送：%s %s → %s（%s）", job, row["period"], ch.name, ch.masked)
            sent_now += 1
            error = ""
            break
        if error:
            later = [r["id"] for r in rows if r["id"] > row["id"]]
            if later:
                ctx.db.write(lambda c, ids=later: store.outbox_fail_pending(c, ids, "前一部分发送失败，未发送"))  # type: ignore[misc]
            out.status, out.detail = "failed", error
            return out
    if sent_now == 0:
        out.status = "skipped"
        out.detail = "本期已发送过（如需再次发送请加 --force）"
    return out


def send(ctx: Context, job: str, channel: str | None = None, dry_run: bool = False, force: bool = False,
         day: date | None = None, retry_failed: bool = True) -> list[Outcome]:
    """Build ``job``'s summary for each channel, write it to the outbox and deliver it.

    ``dry_run`` only builds the texts (without any channel configured: the message for all units).
    """
    if job not in JOBS:
        raise InputError(f"未知通知类型：{job}（可选：overdue 逾期提醒、weekly 每周汇总）")
    if day is not None and day != ctx.today:
        ctx = ctx.on(day)
    try:
        chans = channels(ctx, channel)
    except InputError:
        if not (dry_run and channel is None and not ctx.config.get("notify", "channels")):
            raise
        chans = [Channel(PREVIEW, "")]
    if not (len(chans) == 1 and chans[0].name == PREVIEW):
        check_channels(ctx, chans)  # a dry run checks the URLs as a real send would
    built = build(ctx, job, chans)
    period = period_of(job, ctx.today)
    results = []
    for ch in chans:
        bodies = built[ch.name]
        if not bodies:
            results.append(Outcome(ch.name, ch.masked, "empty", period, 0,
                                   "没有红灯任务，不发送" if job == "overdue" else "没有内容"))
            continue
        if dry_run:
            results.append(Outcome(ch.name, ch.masked, "dry-run", period, len(bodies), "", bodies))
            continue
        head, _new = enqueue(ctx, job, period, ch.name, bodies, force=force)
        results.append(deliver_family(ctx, ch, job, head, retry_failed=retry_failed))
    return results


def send_test(ctx: Context, channel: str | None = None) -> list[Outcome]:
    """A short test message to each channel (through the outbox, so it shows in the log)."""
    chans = channels(ctx, channel)
    check_channels(ctx, chans)
    now = ctx.now()
    period = now.strftime("%Y-%m-%dT%H:%M:%S")
    results = []
    for ch in chans:
        text = messages.render("【tracker】通知渠道测试", [
            f"这是一条测试消息：渠道“{ch.name}”配置正确。", f"发送时间：{period}",
            "今后每个工作日上午推送逾期任务清单，每周五下午推送督办周报。"], [])
        head, _ = enqueue(ctx, "test", period, ch.name, [text], force=True)
        results.append(deliver_family(ctx, ch, "test", head))
    return results


def deliver_pending(ctx: Context) -> list[Outcome]:
    """Deliver messages left pending (a process stopped between writing and sending them)."""
    try:
        chans = {c.name: c for c in channels(ctx)}
    except InputError:
        return []
    results = []
    stale = ctx.now() - STALE_CLAIM
    seen: set[tuple[str, str, str]] = set()
    for row in ctx.db.read(lambda c: store.outbox_unsent_heads(c, stale)):
        head = str(row["period"]).split(" ", 1)[0]
        key = (str(row["job"]), head, str(row["channel"]))
        if key in seen:
            continue
        seen.add(key)
        ch = chans.get(row["channel"])
        if ch is None:
            log.warning("发件箱中的消息 #%s 所属渠道 %s 已不在配置中，未发送", row["id"], row["channel"])
            continue
        results.append(deliver_family(ctx, ch, row["job"], head))
    return results


def outbox_log(ctx: Context, limit: int = 50, status: str | None = None, job: str | None = None) -> list[dict[str, Any]]:
    """Outbox rows, newest first, with secrets redacted."""
    if limit < 1:
        raise InputError(f"--limit 应为正整数：{limit}")
    if status is not None and status not in ("pending", "sending", "sent", "failed"):
        raise InputError(f"未知状态：{status}（可选：pending、sending、sent、failed）")
    try:
        channels(ctx)
    except InputError:
        pass
    rows = ctx.db.read(lambda c: store.outbox_rows(c, limit, status, job))
    for r in rows:
        r["last_error"] = redact(r["last_error"]) if r.get("last_error") else r.get("last_error")
    return rows
