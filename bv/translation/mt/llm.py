"""A language model behind the OpenAI-compatible chat-completions protocol.

POST {LLM_URL}/chat/completions with `Authorization: Bearer LLM_API_KEY` (when set) works with
hosted services and with self-hosted vLLM, llama.cpp's llama-server and Ollama (`/v1`). Only
fields all of them take are sent (model, messages, temperature, stream); JSON mode
(`response_format`) is opt-in, because servers and models differ in whether they honour it.

Segments go several per request as JSON ({"segments": [{"id": "s0", "text": ...}]}) with the
headline and the glossary terms they contain; the answer must be the same JSON shape. Prose or
code fences around it are tolerated. A segment missing from the answer, or whose placeholders
came back changed, is sent once more on its own batch; what is still unusable then is left for
the next provider in the chain (the run ends with MTBadResponse after yielding the rest).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from bv.translation.mt import transport
from bv.translation.mt.base import Provider
from bv.translation.mt.errors import MTBadResponse, MTNotConfigured, MTTimeout
from bv.translation.mt.placeholders import TEXT, token_ids

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

LANGUAGES = {"sq": "Albanian", "mk": "Macedonian (Cyrillic script)", "en": "English"}
_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
_THINKING = re.compile(r"<think>.*?</think>", re.S)

SYSTEM_PROMPT = (
    "You are a professional news translator. Translate every segment from {source} into "
    "{target}, in the register of a serious newspaper. The user sends JSON with the article's "
    "headline (context only, do not translate it), glossary terms (source term and the "
    "translation that is required) and the segments. Placeholders such as {{1}} stand for links, "
    "emphasis and glossary terms: keep each one exactly as written, once, in the position the "
    "translated sentence needs; never translate, renumber or drop them. Answer with JSON only, "
    'no comments: {{"segments": [{{"id": "<the same id>", "text": "<translation>"}}]}}, one '
    "entry for every segment."
)


class LLM(Provider):
    """An OpenAI-compatible chat-completions server (BV_LLM_URL, BV_LLM_MODEL, BV_LLM_API_KEY)."""

    name = "llm"
    label = _l("Language model (LLM)")
    markup = TEXT
    # a list per request, bounded by LLM_MAX_SEGMENTS and LLM_MAX_CHARS (see Provider._fits)
    native_batch = True

    def __init__(self, settings, *args, **kwargs):
        super().__init__(settings, *args, **kwargs)
        # no built-in address: a hosted service or a server of our own, as configured
        self.url = str(settings.get("LLM_URL") or "").rstrip("/")
        if not self.url:
            raise MTNotConfigured(self.label, "BV_LLM_URL", provider=self.name)
        self.model = settings.get("LLM_MODEL")
        if not self.model:
            raise MTNotConfigured(self.label, "BV_LLM_MODEL", provider=self.name)
        self.key = settings.get("LLM_API_KEY")
        self.timeout = float(settings.get("LLM_TIMEOUT", 60))
        self.max_size = int(settings.get("LLM_MAX_CHARS", 4000))
        self.max_items = max(1, int(settings.get("LLM_MAX_SEGMENTS", 40)))
        self.json_mode = str(settings.get("LLM_JSON_MODE", "")).lower() in ("1", "true", "yes")

    def markup_for(self, source: str, target: str) -> str:
        return TEXT

    # --- one request

    def _request(self, texts, source, target, markup=None):
        """POST one chat completion whose user message is texts[0]; returns [its content]."""
        import requests  # when the provider runs, not when the app is built

        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT.format(
                    source=LANGUAGES[source], target=LANGUAGES[target])},
                {"role": "user", "content": texts[0]},
            ],
            "temperature": 0,
            "stream": False,
        }
        if self.json_mode:
            body["response_format"] = {"type": "json_object"}
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        state = transport.current()
        state.last_status = state.last_retry_after = None
        http = state.session or requests
        try:
            response = http.post(f"{self.url}/chat/completions", json=body, headers=headers,
                                 timeout=self.timeout)
        except requests.exceptions.Timeout as exc:
            raise MTTimeout(self.label, self.timeout, provider=self.name, detail=str(exc)) from exc
        transport.note_answer(state, response.status_code, response.headers)
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            raise self.status_error(response.status_code, _error_message(data, response),
                                    source=source, target=target)
        if not isinstance(data, dict):
            raise MTBadResponse(self.label, provider=self.name, detail=response.text[:200])
        usage = data.get("usage")
        if isinstance(usage, dict):
            self.usage.record_tokens(self.name, _count(usage.get("prompt_tokens")),
                                     _count(usage.get("completion_tokens")))
        try:
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise MTBadResponse(self.label, provider=self.name, detail=str(data)[:200]) from exc
        if not isinstance(content, str) or not content.strip():
            raise MTBadResponse(self.label, provider=self.name, detail="no content")
        if choice.get("finish_reason") == "length":
            # cut off at the model's output limit: the JSON is incomplete
            raise MTBadResponse(self.label, provider=self.name, detail="answer cut off (length)")
        return [content]

    # --- batches of segments as JSON

    def iter_translate(self, segments: Sequence[str], source: str, target: str,
                       markup: str | None = None) -> Iterator[tuple[list[int], list[str]]]:
        """Yield (indexes, translations) per request; segments still unusable after one retry
        are not yielded, and the run ends with MTBadResponse so the chain hands them on."""
        items = [(i, s) for i, s in enumerate(segments) if s.strip()]
        blank = [i for i, s in enumerate(segments) if not s.strip()]
        if blank:
            yield blank, [segments[i] for i in blank]
        unusable: list[int] = []
        for batch in self._batches(items, TEXT):
            good, bad = self._exchange(batch, source, target)
            if good:
                yield [i for i, _ in good], [t for _, t in good]
            if bad:
                log.info("llm: %d of %d segments unusable, sending them again", len(bad),
                         len(batch))
                again, still = self._exchange(bad, source, target)
                if again:
                    yield [i for i, _ in again], [t for _, t in again]
                unusable.extend(i for i, _ in still)
        if unusable:
            raise MTBadResponse(self.label, provider=self.name,
                                detail=f"{len(unusable)} segment(s) unusable after a retry")

    def _exchange(self, batch: list[tuple[int, str]], source: str, target: str
                  ) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
        """One request for a batch: (usable (index, translation)), (unusable (index, text))."""
        ids = {f"s{n}": item for n, item in enumerate(batch)}
        payload = {
            "source_language": source,
            "target_language": target,
            "segments": [{"id": key, "text": text} for key, (_, text) in ids.items()],
        }
        context = self.context
        if context is not None and context.headline:
            payload["headline"] = context.headline
        if context is not None and context.glossary:
            payload["glossary"] = [{"source": term, "target": required}
                                   for term, required in context.glossary]
        message = json.dumps(payload, ensure_ascii=False)
        try:
            [content] = self._send([message], source, target, TEXT)
        except MTBadResponse as exc:
            log.info("llm: unusable answer: %s", exc.log_text())
            return [], list(batch)
        answers = parse_segments(content)
        good, bad = [], []
        for key, (index, text) in ids.items():
            answer = answers.get(key)
            if answer is None or not answer.strip() or not same_placeholders(text, answer):
                bad.append((index, text))
            else:
                good.append((index, answer.strip()))
        return good, bad


def parse_segments(content: str) -> dict[str, str]:
    """{id: text} from a model's answer; prose, fences or thinking around the JSON are dropped.
    An answer without readable JSON gives {}."""
    text = _FENCE.sub("", _THINKING.sub("", content).strip())
    data = _loads(text)
    if data is None:
        start, end = text.find("{"), text.rfind("}")
        data = _loads(text[start:end + 1]) if 0 <= start < end else None
    items = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return {}
    out = {}
    for item in items:
        if (isinstance(item, dict) and isinstance(item.get("id"), str)
                and isinstance(item.get("text"), str)):
            out.setdefault(item["id"], item["text"])
    return out


def same_placeholders(sent: str, answer: str) -> bool:
    """Whether the answer has exactly the placeholders that were sent, each as often."""
    return Counter(token_ids(sent, TEXT)) == Counter(token_ids(answer, TEXT))


def _loads(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _count(value) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def _error_message(data, response: requests.Response) -> str:
    """The message of an error body: {"error": {"message": ...}} (OpenAI, llama.cpp, Ollama),
    {"error": "..."}, or vLLM's older top-level {"object": "error", "message": ...}."""
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:300]
        if isinstance(error, str):
            return error[:300]
        if data.get("message"):
            return str(data["message"])[:300]
    return response.text[:300]
