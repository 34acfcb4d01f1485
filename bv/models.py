"""Imports every model so Alembic and the tests see the whole schema."""

from bv.accounts.models import User
from bv.articles.models import (
    Article,
    ArticleTranslation,
    Category,
    CategoryName,
    Image,
    Revision,
    SlugRedirect,
    Tag,
)
from bv.audit.models import AuditEvent
from bv.cache.models import ContentVersion
from bv.jobs.models import Job
from bv.newsletter.models import (
    NewsletterDelivery,
    NewsletterList,
    NewsletterMailing,
    NewsletterSubscriber,
)
from bv.notifications.models import Notification
from bv.redirects.models import OldUrl
from bv.settings.models import SiteSetting
from bv.translation.models import GlossaryTerm, MemoryEntry, Segment, TranslatedSegment
from bv.wordpress.models import ImportedItem

__all__ = [
    "Article",
    "ArticleTranslation",
    "AuditEvent",
    "Category",
    "CategoryName",
    "ContentVersion",
    "GlossaryTerm",
    "Image",
    "ImportedItem",
    "Job",
    "MemoryEntry",
    "NewsletterDelivery",
    "NewsletterList",
    "NewsletterMailing",
    "NewsletterSubscriber",
    "Notification",
    "OldUrl",
    "Revision",
    "Segment",
    "SiteSetting",
    "SlugRedirect",
    "Tag",
    "TranslatedSegment",
    "User",
]
