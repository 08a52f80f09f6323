from django.apps import AppConfig
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
)
from django.utils.autoreload import file_changed
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Lưu trữ bài viết")

    def ready(self):
        from .search.schema import ensure_index

        post_migrate.connect(ensure_index, sender=self)
        self.connect_counts()
        self.connect_cache_invalidation()

    def connect_counts(self):
        """Keep the counts of published articles exact on writes that send signals."""
        from . import counts
        from .models import Article, TaggedMeeting, TaggedTheme

        pre_delete.connect(counts.article_deleting, sender=Article, dispatch_uid="counts_delete")
        for through in (TaggedMeeting, TaggedTheme):
            m2m_changed.connect(
                counts.tags_changed, sender=through, dispatch_uid=f"counts_{through.__name__}"
            )

    def connect_cache_invalidation(self):
        """Invalidate cached pages and API reads on every change a reader could see."""
        from . import caching
        from .models import (
            Article,
            Figure,
            MeetingTag,
            Outlet,
            SlugRedirect,
            TaggedMeeting,
            TaggedTheme,
            TagRedirect,
            ThemeTag,
        )

        for model in (Article, MeetingTag, ThemeTag, Outlet, Figure, SlugRedirect, TagRedirect):
            for signal in (post_save, post_delete):
                signal.connect(
                    caching.on_model_change, sender=model, dispatch_uid=f"cache_{model.__name__}"
                )
        # A tagged item saved alone (a merge moves it); no post_delete on these: it would
        # make deleting a tag load every one of its tagged items (the tag's delete bumps).
        for through in (TaggedMeeting, TaggedTheme):
            post_save.connect(
                caching.on_model_change, sender=through, dispatch_uid=f"cache_{through.__name__}"
            )
            m2m_changed.connect(
                caching.on_tags_change, sender=through, dispatch_uid=f"cache_m2m_{through.__name__}"
            )
        # Sent only by runserver's autoreloader.
        file_changed.connect(caching.on_file_changed, dispatch_uid="cache_file_changed")
