"""Optimistic locking: a row's ``version`` must still be the one the editor loaded."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .exceptions import ConcurrentEditError


class VersionedModel(models.Model):
    """Who created and last changed the row, when, and the edit version."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True


def save_versioned(instance, *, by, expected_version):
    """Save ``instance`` if nobody saved it since ``expected_version``; else ConcurrentEditError.

    The row is locked while we compare, so two saves of the same version cannot both win.
    """
    model = type(instance)
    with transaction.atomic():
        current = model._default_manager.select_for_update().values_list("version", flat=True)
        stored = current.get(pk=instance.pk)
        if stored != expected_version:
            raise ConcurrentEditError()
        instance.version = stored + 1
        instance.updated_by = by
        instance.full_clean()
        instance.save()
    return instance
