"""Machine-translation settings: defaults, and the provider chain for a language pair.

Every key is a Flask config key; the app loads `BV_`-prefixed environment variables, so
`BV_MT_PROVIDERS=google,mymemory` arrives as `MT_PROVIDERS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULTS: dict[str, object] = {
    # ordered fallback chain, and per-pair overrides such as MT_PROVIDERS_SQ_MK
    "MT_PROVIDERS": "google",
    # seconds for every HTTP call to a provider
    "MT_TIMEOUT": 10.0,
    # retries after the first attempt, for 429, 5xx, timeouts and network errors
    "MT_RETRIES": 2,
    # back-off before retry n is MT_BACKOFF * 2**n seconds, at most MT_BACKOFF_MAX
    "MT_BACKOFF": 0.5,
    "MT_BACKOFF_MAX": 8.0,
    # seconds one run may spend waiting as 429/503 answers ask (Retry-After); a provider that
    # asks for longer is left for the next one. Never more than half of MT_JOB_STALE_MINUTES.
    "MT_WAIT_BUDGET": 120.0,
    # the language to pivot through when no provider supports a pair; empty disables pivoting
    "MT_PIVOT_LOCALE": "en",
    "GOOGLE_TRANSLATE_URL": None,  # deep-translator's default
    "MYMEMORY_URL": None,  # deep-translator's default
    "MYMEMORY_EMAIL": None,  # optional: MyMemory grants a larger daily quota with an e-mail
    "MICROSOFT_API_KEY": None,
    "MICROSOFT_REGION": None,
    "MICROSOFT_URL": None,  # deep-translator's default
    "LIBRETRANSLATE_URL": None,
    "LIBRETRANSLATE_API_KEY": None,
    "LIBRETRANSLATE_MAX_CHARS": 5000,
    "DEEPL_API_KEY": None,
    "DEEPL_SERVER_URL": None,  # the deepl client picks api or api-free from the key
    "DEEPL_ENGLISH": "EN-GB",  # DeepL wants EN-GB or EN-US as a target
    # a machine-draft job with no progress for this long is taken as dead, so a new one can run
    "MT_JOB_STALE_MINUTES": 15,
    # an OpenAI-compatible chat-completions server: base URL with its version path
    # (http://127.0.0.1:8000/v1), the model, and a key if the server wants one (sent as Bearer)
    "LLM_URL": None,
    "LLM_MODEL": None,
    "LLM_API_KEY": None,
    "LLM_TIMEOUT": 60.0,  # seconds per request: a model writes slower than a translation API
    "LLM_MAX_CHARS": 4000,  # segment characters per request (the answer must fit the model's output)
    "LLM_MAX_SEGMENTS": 40,
    # ask for JSON mode (response_format json_object); off: not every server takes it
    "LLM_JSON_MODE": False,
    # MT_PROVIDERS=auto: the measured best route per pair leads, this order follows (and
    # decides alone until a route has MT_AUTO_MIN_REVIEWED reviewed segments for the pair)
    "MT_AUTO_ORDER": "google",
    "MT_AUTO_MIN_REVIEWED": 50,
    # the currency of the MT_PRICE_<PROVIDER> prices (per million characters, or tokens)
    "MT_CURRENCY": "EUR",
}

AUTO = "auto"


@dataclass(frozen=True)
class Settings:
    """A snapshot of the MT settings, so one run never sees half-changed config."""

    values: Mapping[str, object]

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> Settings:
        """Overlay the app config on the defaults."""
        values = dict(DEFAULTS)
        values.update({k: v for k, v in config.items() if isinstance(k, str)})
        return cls(values)

    def get(self, key: str, default=None):
        """A raw setting."""
        value = self.values.get(key, default)
        return default if value is None else value

    @property
    def timeout(self) -> float:
        return float(self.get("MT_TIMEOUT"))

    @property
    def retries(self) -> int:
        return max(0, int(self.get("MT_RETRIES")))

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        base = float(self.get("MT_BACKOFF"))
        return min(base * (2**attempt), float(self.get("MT_BACKOFF_MAX")))

    @property
    def wait_budget(self) -> float:
        """Seconds a run may wait on Retry-After answers, below the stale-job limit."""
        return max(0.0, min(float(self.get("MT_WAIT_BUDGET")), self.job_stale_minutes * 30))

    @property
    def job_stale_minutes(self) -> float:
        return max(1.0, float(self.get("MT_JOB_STALE_MINUTES")))

    @property
    def pivot(self) -> str | None:
        return (str(self.get("MT_PIVOT_LOCALE", "")) or None)

    def _configured(self, source: str, target: str):
        key = f"MT_PROVIDERS_{source.upper()}_{target.upper()}"
        return self.values.get(key) or self.get("MT_PROVIDERS")

    def is_auto(self, source: str, target: str) -> bool:
        """Whether the pair's chain is "auto" (led by the best measured route)."""
        return parse_chain(self._configured(source, target)) == [AUTO]

    def chain(self, source: str, target: str) -> list[str]:
        """Provider names for a pair: MT_PROVIDERS_<SRC>_<TGT> if set, else MT_PROVIDERS;
        for "auto", the MT_AUTO_ORDER (the lead is chosen by the caller, see run_chain)."""
        if self.is_auto(source, target):
            return parse_chain(self.get("MT_AUTO_ORDER")) or parse_chain(DEFAULTS["MT_PROVIDERS"])
        return parse_chain(self._configured(source, target))


def parse_chain(value) -> list[str]:
    """Accept "google,mymemory", "google mymemory" or a list (JSON env values become lists)."""
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    else:
        items = [str(v) for v in (value or [])]
    names: list[str] = []
    for item in items:
        name = item.strip().lower()
        if name and name not in names:
            names.append(name)
    return names
