from django.apps import AppConfig
from django.db.models.signals import m2m_changed, pre_delete
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Lưu trữ bài viết")

    def ready(self):
        self.connect_counts()

    def connect_counts(self):
        """Keep the counts of published articles exact on writes that send signals."""
        from . import counts
        from .models import Article, TaggedMeeting, TaggedTheme

        pre_delete.connect(counts.article_deleting, sender=Article, dispatch_uid="counts_delete")
        for through in (TaggedMeeting, TaggedTheme):
            m2m_changed.connect(
                counts.tags_changed, sender=through, dispatch_uid=f"counts_{through.__name__}"
            )
