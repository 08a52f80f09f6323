from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Nhật ký hoạt động")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth import signals as auth_signals
        from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

        from . import signals

        auth_signals.user_logged_in.connect(signals.logged_in, dispatch_uid="audit_login")
        auth_signals.user_logged_out.connect(signals.logged_out, dispatch_uid="audit_logout")
        auth_signals.user_login_failed.connect(
            signals.login_failed, dispatch_uid="audit_login_failed"
        )
        user = get_user_model()
        pre_save.connect(signals.user_saving, sender=user, dispatch_uid="audit_user_saving")
        post_save.connect(signals.user_saved, sender=user, dispatch_uid="audit_user_saved")
        pre_delete.connect(signals.user_deleting, sender=user, dispatch_uid="audit_user_delete")
        for audit in signals.m2m_audits():
            m2m_changed.connect(
                audit,
                sender=audit.through,
                weak=False,
                dispatch_uid=f"audit_{audit.owner._meta.model_name}_{audit.field}",
            )
