"""Machine translation: one interface over several services, with a fallback chain.

Public API:

- `translate_segments(segments, source, target, *, glossary=(), config=None, usage=None,
  should_cancel=None, progress=None) -> list[MTResult]` (text, provider, route, error)
- `Provider.translate(segments, source, target) -> list[str]` on every adapter in `PROVIDERS`
  (google, mymemory, microsoft, libretranslate, deepl, llm)
- `Usage` counts requests, characters and tokens; errors are `MTError` subclasses (see errors.py)

Configuration (Flask config keys; set them as BV_<KEY> in the environment):

| key | default | meaning |
|---|---|---|
| MT_PROVIDERS | "google" | ordered fallback chain, e.g. "google,mymemory" |
| MT_PROVIDERS_<SRC>_<TGT> | - | chain for one pair, e.g. MT_PROVIDERS_SQ_MK="libretranslate,google" |
| MT_TIMEOUT | 10 | seconds per HTTP call |
| MT_RETRIES | 2 | retries after the first attempt (429, 5xx, timeouts, network errors) |
| MT_BACKOFF / MT_BACKOFF_MAX | 0.5 / 8 | back-off before retry n: MT_BACKOFF * 2**n, capped |
| MT_PIVOT_LOCALE | "en" | pivot when no provider translates a pair directly ("" disables) |
| GOOGLE_TRANSLATE_URL | deep-translator's | Google web endpoint |
| MYMEMORY_URL, MYMEMORY_EMAIL | - | MyMemory endpoint; e-mail raises its free quota |
| MICROSOFT_API_KEY, MICROSOFT_REGION, MICROSOFT_URL | - | Azure AI Translator |
| LIBRETRANSLATE_URL, LIBRETRANSLATE_API_KEY, LIBRETRANSLATE_MAX_CHARS | -, -, 5000 | |
| DEEPL_API_KEY, DEEPL_SERVER_URL, DEEPL_ENGLISH | -, -, "EN-GB" | |
| MT_JOB_STALE_MINUTES | 15 | a draft job with no progress for this long counts as failed |
| LLM_URL, LLM_MODEL, LLM_API_KEY | - | an OpenAI-compatible chat-completions server (llm.py) |
| LLM_TIMEOUT, LLM_MAX_CHARS, LLM_MAX_SEGMENTS, LLM_JSON_MODE | 60, 4000, 40, off | |
| MT_AUTO_ORDER, MT_AUTO_MIN_REVIEWED | "google", 50 | MT_PROVIDERS=auto (bv.translation.routing) |
"""

from bv.translation.mt.base import Provider, Usage
from bv.translation.mt.chain import (
    MTResult,
    ProviderChoice,
    build_chain,
    provider_choices,
    run_chain,
    translate_segments,
)
from bv.translation.mt.errors import (
    AllProvidersFailed,
    MTAuthError,
    MTBadResponse,
    MTError,
    MTNetworkError,
    MTNotConfigured,
    MTQuotaExceeded,
    MTRateLimited,
    MTServerError,
    MTTextTooLong,
    MTTimeout,
    MTUnsupportedLanguage,
    PlaceholderError,
    TranslationCancelled,
)
from bv.translation.mt.placeholders import GlossaryRule, Protector
from bv.translation.mt.providers import PROVIDERS
from bv.translation.mt.settings import DEFAULTS, Settings

__all__ = [
    "DEFAULTS",
    "PROVIDERS",
    "AllProvidersFailed",
    "GlossaryRule",
    "MTAuthError",
    "MTBadResponse",
    "MTError",
    "MTNetworkError",
    "MTNotConfigured",
    "MTQuotaExceeded",
    "MTRateLimited",
    "MTResult",
    "MTServerError",
    "MTTextTooLong",
    "MTTimeout",
    "MTUnsupportedLanguage",
    "PlaceholderError",
    "Protector",
    "Provider",
    "ProviderChoice",
    "Settings",
    "TranslationCancelled",
    "Usage",
    "build_chain",
    "provider_choices",
    "run_chain",
    "translate_segments",
]
