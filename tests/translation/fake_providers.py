"""A local stand-in for translation services, speaking their HTTP protocols on 127.0.0.1.

One server answers five protocols, so the real client code (deep-translator, deepl) talks to it:

- LibreTranslate: POST /translate (q, source, target, format, api_key as query, form or JSON)
- DeepL: POST /v2/translate (JSON, "Authorization: DeepL-Auth-Key ...")
- MyMemory: GET /get?q=...&langpair=sq-AL|mk-MK
- Google web: GET /m?sl=..&tl=..&q=.. (an HTML page with div.result-container)
- Microsoft: POST /ms/translate?api-version=3.0&from=..&to=.. (JSON list of {"Text"})
- OpenAI-compatible chat completions: POST /v1/chat/completions ("Authorization: Bearer ...";
  the user message is our JSON of segments; answers with choices[0].message.content and usage;
  errors as {"error": {"message", "type", "code"}} as OpenAI, llama.cpp and Ollama send them)

"Translation" is deterministic: every word gets the target code as a prefix ("Kuvendi" ->
"mk_Kuvendi"; through English "mk_en_Kuvendi"); tags, entities and {n} placeholders stay.
"""

from __future__ import annotations

import html
import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_KEEP = re.compile(r"(<[^>]+>|&#?\w+;|\{\s*\d+\s*\})")
_WORD = re.compile(r"[^\W\d_][\w-]*")
_PLACEHOLDER = re.compile(r"""<x\s+id=["']?\d+["']?\s*/?>|\{\s*\d+\s*\}""")


def fake_translate(text: str, source: str, target: str) -> str:
    """Prefix every word outside tags and placeholders with the target language code."""
    pieces = _KEEP.split(text)
    for i in range(0, len(pieces), 2):
        pieces[i] = _WORD.sub(lambda m: f"{target}_{m.group(0)}", pieces[i])
    return "".join(pieces)


# unreadable answers per protocol, by kind: (status, content type, body)
MALFORMED: dict[str, dict[str, tuple[int, str, object]]] = {
    "libretranslate": {
        "not_json": (200, "text/html", "<html><body>Bad Gateway</body></html>"),
        "wrong_shape": (200, "application/json", ["translated"]),
        "wrong_types": (200, "application/json", {"translatedText": 42}),
        "missing_field": (200, "application/json", {"detectedLanguage": "sq"}),
    },
    "mymemory": {
        "not_json": (200, "text/html", "<html>maintenance</html>"),
        "wrong_shape": (200, "application/json", [{"translatedText": "x"}]),
        "wrong_types": (200, "application/json", {"responseData": {"translatedText": 42}}),
        "missing_field": (200, "application/json", {"responseStatus": 200}),
        "empty": (200, "application/json", {"responseData": {"translatedText": ""},
                                            "matches": []}),
    },
    "google": {
        "not_json": (200, "text/plain", "rate exceeded, come back later"),
        "wrong_shape": (200, "application/json", {"sentences": [{"trans": "x"}]}),
        "empty": (200, "text/html",
                  '<html><body><div class="result-container"></div></body></html>'),
    },
    "microsoft": {
        "not_json": (200, "text/html", "<html>proxy error</html>"),
        "wrong_shape": (200, "application/json", {"translations": [{"text": "x"}]}),
        "wrong_types": (200, "application/json", [{"translations": [{"text": 7}]}]),
        "missing_field": (200, "application/json", [{"translations": []}]),
        "empty": (200, "application/json", []),
        "error_string": (404, "application/json", {"error": "Resource not found"}),
    },
    "deepl": {
        "not_json": (200, "text/html", "<html>Service Unavailable</html>"),
        "wrong_types": (200, "application/json", {"translations": [{"text": 7,
                                                                    "billed_characters": 1}]}),
        "missing_field": (200, "application/json", {"translations": [{"text": "x"}]}),
        "empty": (200, "application/json", {"translations": []}),
        "wrong_shape": (200, "application/json", {"translations": {"text": "x"}}),
    },
}
# DeepL's language table: no tag handling for these, and the API refuses a request that asks
TEXT_ONLY_DEEPL = {"sq", "mk"}
# a language model's ways of getting our JSON wrong
LLM_MODES = ("prose", "fenced", "drop_segment", "placeholder_translated", "placeholder_dropped",
             "invalid_json", "cut_off")


def tokens(text: str) -> int:
    """A deterministic token count (about four characters a token)."""
    return max(1, len(text) // 4)


def llm_answer(segments: list[dict], translations: list[str], mode: str | None) -> tuple[str, str]:
    """(content, finish_reason) of a fake model's answer, misbehaving as `mode` says."""
    items = [{"id": seg["id"], "text": text} for seg, text in zip(segments, translations,
                                                                    strict=True)]
    if mode == "drop_segment" and items:
        items = items[:-1]
    if mode in ("placeholder_translated", "placeholder_dropped"):
        for item in items:
            if re.search(r"\{\d+\}", item["text"]):
                item["text"] = (re.sub(r"\{(\d+)\}", r"{nr_\1}", item["text"])
                                if mode == "placeholder_translated"
                                else re.sub(r"\{\d+\}", "", item["text"]))
                break
    content = json.dumps({"segments": items}, ensure_ascii=False)
    if mode == "prose":
        content = f"Sure! Here is the translation:\n{content}\nLet me know if you need more."
    elif mode == "fenced":
        content = f"```json\n{content}\n```"
    elif mode == "invalid_json":
        content = content.replace('"segments"', "segments", 1)
    elif mode == "cut_off":
        return content[: len(content) // 2], "length"
    return content, "stop"


def _lang(code: str) -> str:
    return (code or "").split("-")[0].lower()


@dataclass
class Seen:
    """One request the fake received."""

    protocol: str
    source: str
    target: str
    characters: int
    status: int
    texts: list[str]


class FakeTranslationServer:
    """A threaded HTTP server on port 0, with switches for the failures tests need."""

    def __init__(self, *, api_key: str | None = None, max_chars: int | None = None):
        self.api_key = api_key
        self.max_chars = max_chars
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.reset_behaviour()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- switches

    def reset_behaviour(self) -> None:
        """Back to a healthy, fast, accommodating server."""
        self.delay = 0.0
        self._queued: list[int] = []
        self.always_status: int | None = None
        self.placeholders: str | None = None  # "drop", "duplicate" or None
        self.merge_paragraphs = False  # answer packed HTML without the <p data-k> wrappers
        self.reject_pairs: set[tuple[str, str]] = set()
        self.retry_after: str | None = None  # Retry-After header sent with 429 and 503
        self.malformed: str | None = None  # a key of MALFORMED[protocol]: unreadable answers
        # DeepL languages that refuse tag_handling (empty: a DeepL that takes tags everywhere)
        self.deepl_text_only: set[str] = set(TEXT_ONLY_DEEPL)
        # how the fake language model misbehaves (a key of LLM_MODES), for how many answers
        # (None: every answer); afterwards it answers well
        self.llm_mode: str | None = None
        self.llm_bad_times: int | None = None
        self.llm_requests: list[dict] = []  # the parsed user messages, in order
        self.llm_tokens = {"prompt_tokens": 0, "completion_tokens": 0}  # what it billed

    def llm_misbehaves(self) -> str | None:
        """The misbehaviour for this answer, counting it down."""
        with self._lock:
            if self.llm_mode is None or self.llm_bad_times == 0:
                return None
            if self.llm_bad_times is not None:
                self.llm_bad_times -= 1
            return self.llm_mode

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer `status` for the next `times` requests, then behave."""
        with self._lock:
            self._queued.extend([status] * times)

    def reset_counts(self) -> None:
        with self._lock:
            self.seen.clear()

    @property
    def request_count(self) -> int:
        return len(self.seen)

    @property
    def char_count(self) -> int:
        return sum(s.characters for s in self.seen)

    def texts_sent(self) -> list[str]:
        return [t for s in self.seen for t in s.texts]

    # ---- lifecycle

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTranslationServer:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeTranslationServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- the translating part, shared by all protocols

    def decide(self, protocol: str, source: str, target: str, texts: list[str],
               key_ok: bool) -> tuple[int, str, list[str]]:
        """(status, error message, translations) for one request, and count it."""
        s, t = _lang(source), _lang(target)
        seen = Seen(protocol, s, t, sum(len(x) for x in texts), 0, texts)
        with self._lock:
            self.seen.append(seen)  # counted on arrival, even if the client gives up waiting
        if self.delay:
            self._stopping.wait(self.delay)
        status, message, out = 200, "", []
        with self._lock:
            queued = self._queued.pop(0) if self._queued else None
        if queued is not None:
            status, message = queued, f"queued failure {queued}"
        elif self.always_status is not None:
            status, message = self.always_status, f"configured failure {self.always_status}"
        elif not key_ok:
            status, message = 403, "Invalid API key"
        elif (s, t) in self.reject_pairs:
            status, message = 400, f"Language pair {s}-{t} is not supported"
        elif self.max_chars is not None and sum(len(x) for x in texts) > self.max_chars:
            status = 400
            message = (f"Invalid request: request ({sum(len(x) for x in texts)}) exceeds text "
                       f"limit ({self.max_chars})")
        else:
            out = [self._mangle(fake_translate(x, s, t)) for x in texts]
            if self.merge_paragraphs:
                out = [re.sub(r"</?p[^>]*>", " ", x) for x in out]
        seen.status = status
        return status, message, out

    def _mangle(self, text: str) -> str:
        if self.placeholders == "drop":
            return _PLACEHOLDER.sub("", text)
        if self.placeholders == "duplicate":
            first = _PLACEHOLDER.search(text)
            return text + first.group(0) if first else text
        return text


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeTranslationServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    # ---- plumbing

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _params(self, body: bytes) -> dict:
        params = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
        kind = self.headers.get("Content-Type", "")
        if body and "json" in kind:
            data = json.loads(body)
            if isinstance(data, dict):
                params.update(data)
            else:
                params["_json"] = data
        elif body:
            params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8")).items()})
        return params

    def _send(self, status: int, payload, content_type: str = "application/json") -> None:
        data = payload if isinstance(payload, bytes) else (
            payload.encode("utf-8") if isinstance(payload, str) else json.dumps(payload).encode()
        )
        try:
            self.send_response(status)
            if status in (429, 503) and self.server_fake.retry_after is not None:
                self.send_header("Retry-After", self.server_fake.retry_after)
            self.send_header("Content-Type", content_type + "; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def _send_malformed(self, protocol: str) -> bool:
        """Send the configured unreadable answer for this protocol, if there is one."""
        kind = self.server_fake.malformed
        if kind is None:
            return False
        status, content_type, body = MALFORMED[protocol][kind]
        self._send(status, body, content_type)
        return True

    # ---- protocols

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        params = self._params(b"")
        fake = self.server_fake
        if path == "/get":  # MyMemory
            source, _, target = params.get("langpair", "|").partition("|")
            q = params.get("q", "")
            status, message, out = fake.decide("mymemory", source, target, [q], True)
            if len(q.encode("utf-8")) > 500:
                # MyMemory's way: HTTP 200, the error as the "translation"
                self._send(200, {"responseData": {"translatedText": "QUERY LENGTH LIMIT EXCEEDED."
                                 " MAX ALLOWED QUERY : 500 CHARS"}, "responseStatus": 403})
                return
            if status != 200:
                self._send(status, {"responseData": {"translatedText": message},
                                    "responseStatus": status})
                return
            if self._send_malformed("mymemory"):
                return
            self._send(200, {"responseData": {"translatedText": out[0], "match": 1},
                             "responseStatus": 200, "matches": []})
        elif path == "/m":  # Google's web endpoint
            status, message, out = fake.decide("google", params.get("sl", ""),
                                               params.get("tl", ""), [params.get("q", "")], True)
            if status != 200:
                self._send(status, f"<html><body>{message}</body></html>", "text/html")
                return
            if self._send_malformed("google"):
                return
            page = ("<html><body><div class=\"result-container\">"
                    f"{html.escape(out[0], quote=False)}</div></body></html>")
            self._send(200, page, "text/html")
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        params = self._params(body)
        fake = self.server_fake
        if path == "/translate":  # LibreTranslate
            key_ok = fake.api_key is None or params.get("api_key") == fake.api_key
            q = params.get("q", "")
            texts = q if isinstance(q, list) else [q]
            status, message, out = fake.decide("libretranslate", params.get("source", ""),
                                               params.get("target", ""), texts, key_ok)
            if status != 200:
                self._send(status, {"error": message})
                return
            if self._send_malformed("libretranslate"):
                return
            self._send(200, {"translatedText": out if isinstance(q, list) else out[0]})
        elif path == "/v2/translate":  # DeepL
            auth = self.headers.get("Authorization", "")
            key_ok = fake.api_key is None or auth == f"DeepL-Auth-Key {fake.api_key}"
            target = params.get("target_lang", "")
            if target.upper() in ("EN", "PT"):
                self._send(400, {"message": "Value for 'target_lang' not supported."})
                return
            source = params.get("source_lang", "")
            if "tag_handling" in params and {_lang(source), _lang(target)} & fake.deepl_text_only:
                # what DeepL answers for a text-only language asked to handle tags
                fake.decide("deepl-refused", source, target, list(params.get("text", [])), key_ok)
                fake.seen[-1].status = 400
                self._send(400, {"message": "Value for 'tag_handling' not supported for "
                                            f"language pair {source.upper()}-{target.upper()}."})
                return
            status, message, out = fake.decide("deepl", source, target,
                                               list(params.get("text", [])), key_ok)
            if status != 200:
                self._send(status, {"message": message})
                return
            if self._send_malformed("deepl"):
                return
            self._send(200, {"translations": [
                {"detected_source_language": params.get("source_lang", "").upper(), "text": o,
                 "billed_characters": len(o)} for o in out]})
        elif path.endswith("/chat/completions"):  # OpenAI-compatible language model
            self._chat_completion(params)
        elif path == "/ms/translate":  # Microsoft
            key_ok = (fake.api_key is None
                      or self.headers.get("Ocp-Apim-Subscription-Key") == fake.api_key)
            items = params.get("_json", [])
            status, message, out = fake.decide("microsoft", params.get("from", ""),
                                               params.get("to", ""),
                                               [i.get("Text", "") for i in items], key_ok)
            if status != 200:
                self._send(status, {"error": {"code": status * 1000, "message": message}})
                return
            if self._send_malformed("microsoft"):
                return
            self._send(200, [{"translations": [{"text": o, "to": params.get("to")}]}
                             for o in out])
        else:
            self._send(404, {"error": "not found"})


    def _chat_completion(self, params: dict) -> None:
        fake = self.server_fake
        key_ok = (fake.api_key is None
                  or self.headers.get("Authorization") == f"Bearer {fake.api_key}")
        messages = params.get("messages") or []
        try:
            request = json.loads(messages[-1]["content"])
            segments = request["segments"]
        except (ValueError, KeyError, IndexError, TypeError):
            self._send(400, {"error": {"message": "bad request", "type": "invalid_request_error",
                                       "code": None}})
            return
        fake.llm_requests.append(request)
        status, message, out = fake.decide(
            "llm", request.get("source_language", ""), request.get("target_language", ""),
            [seg["text"] for seg in segments], key_ok)
        if status != 200:
            kind = {401: "invalid_request_error", 403: "invalid_request_error",
                    429: "rate_limit_exceeded"}.get(status, "server_error")
            if status == 403:
                status = 401  # OpenAI's answer to a wrong key
            self._send(status, {"error": {"message": message, "type": kind, "code": None}})
            return
        content, finish = llm_answer(segments, out, fake.llm_misbehaves())
        prompt = "".join(str(m.get("content", "")) for m in messages)
        with fake._lock:
            fake.llm_tokens["prompt_tokens"] += tokens(prompt)
            fake.llm_tokens["completion_tokens"] += tokens(content)
        self._send(200, {
            "id": "chatcmpl-fake", "object": "chat.completion", "model": params.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": finish}],
            "usage": {"prompt_tokens": tokens(prompt), "completion_tokens": tokens(content),
                      "total_tokens": tokens(prompt) + tokens(content)},
        })


# ---- test data and config

SENTENCES = [
    "Kuvendi i Republikës së Maqedonisë së Veriut miratoi sot buxhetin e ri për vitin e ardhshëm.",
    "Sipas ministrit të financave, shpenzimet kapitale do të rriten me dhjetë për qind.",
    "Opozita kritikoi planin dhe kërkoi më shumë para për arsimin dhe shëndetësinë.",
    "Në Tetovë, komuna njoftoi se punimet në rrugën kryesore do të përfundojnë në pranverë.",
    "Banorët e lagjes thonë se presin prej vitesh një park të ri për fëmijët.",
    "Rregullatori MEK paralajmëroi se çmimet e energjisë mund të ndryshojnë gjatë dimrit.",
    "Ekspertët thonë se shërbimi **e-Albania** është një shembull i mirë për digjitalizimin.",
    "Më shumë informacion gjendet në [raportin zyrtar](https://example.org/raporti-2024).",
    "Qytetarët mund të dërgojnë komente deri në fund të muajit.",
    "Gazetarët e *BalkanView* do të ndjekin seancën e ardhshme drejtpërdrejt.",
]


def article(paragraphs: int = 20) -> list[str]:
    """A news article of ~350-character Albanian paragraphs with links, emphasis and terms."""
    out = []
    for i in range(paragraphs):
        picked = [SENTENCES[(i + k * 3) % len(SENTENCES)] for k in range(4)]
        out.append(f"Paragrafi {i + 1}: " + " ".join(picked))
    return out


def point_at(fake: FakeTranslationServer, **overrides) -> dict:
    """MT config with every provider aimed at `fake`, quick retries and a short timeout."""
    config = {
        "MT_PROVIDERS": "libretranslate",
        "MT_TIMEOUT": 3,
        "MT_RETRIES": 2,
        "MT_BACKOFF": 0.001,
        "MT_BACKOFF_MAX": 0.01,
        "GOOGLE_TRANSLATE_URL": f"{fake.url}/m",
        "MYMEMORY_URL": f"{fake.url}/get",
        "LIBRETRANSLATE_URL": fake.url,
        "MICROSOFT_API_KEY": "ms-key",
        "MICROSOFT_URL": f"{fake.url}/ms/translate?api-version=3.0",
        "DEEPL_API_KEY": "deepl-key:fx",
        "DEEPL_SERVER_URL": fake.url,
        "LLM_URL": f"{fake.url}/v1",
        "LLM_MODEL": "fake-model",
    }
    config.update(overrides)
    return config
