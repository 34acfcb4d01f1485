"""The public reading site."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the language converter, the site and its feeds."""
    from bv import errors, media
    from bv.site import seo, templating, views
    from bv.site.urls import LanguageConverter, article_url

    app.url_map.converters["lang"] = LanguageConverter
    app.register_blueprint(views.root)
    app.register_blueprint(views.bp)
    app.register_blueprint(seo.bp)
    app.register_blueprint(seo.feeds)
    media.init_app(app)
    templating.init_app(app)
    if views.load_error_page_context not in errors.page_context_loaders:
        errors.page_context_loaders.append(views.load_error_page_context)
    app.jinja_env.globals["switch_links"] = views.switch_links
    app.jinja_env.globals["article_url"] = article_url
