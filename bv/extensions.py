"""Every Flask extension object, one line each; the factory calls init_app."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every model."""


class DeferredMigrate:
    """Flask-Migrate, bound the first time `flask db` or upgrade() needs it (bv/migrate.py):
    a web worker never migrates, and Alembic costs each one about 8 MiB."""

    def init_app(self, app, **options) -> None:
        from bv import migrate as deferred

        deferred.init_app(app, **options)


db = SQLAlchemy(model_class=Base)
migrate = DeferredMigrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
page_cache = Cache()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
