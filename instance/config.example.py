# Copy to instance/config.py and adjust. Environment variables prefixed BV_ win over this file,
# e.g. BV_DATABASE_URL=postgresql+psycopg://user@host/db or BV_REDIS_URL=redis://127.0.0.1:6379/0.

# SITE_URL = "https://balkanview.example"      # absolute base for canonical, hreflang, feeds
# DEFAULT_LOCALE = "sq"
# DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bv"
# REDIS_URL = "redis://127.0.0.1:6379/0"
# MT_PROVIDERS = "google,mymemory"
