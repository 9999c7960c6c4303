"""Drops a cached person (floor/accounts/backends.py) whenever what it holds changes."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from floor.accounts.backends import person_key
from floor.accounts.models import Profile
from floor.warehouse.models import Warehouse

User = get_user_model()


def forget(user_ids):
    keys = [person_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        # Again after commit: a request between the change and its commit may have cached the old.
        transaction.on_commit(lambda: cache.delete_many(keys))


@receiver([post_save, post_delete], sender=User)
def _user_changed(sender, instance, **kwargs):
    forget([instance.pk])


@receiver([post_save, post_delete], sender=Profile)
def _profile_changed(sender, instance, **kwargs):
    forget([instance.user_id])


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":  # group.user_set.clear(): who is in it, before
        forget(User.objects.filter(groups=instance).values_list("pk", flat=True))
    elif action.startswith("post_"):
        forget([instance.pk] if not reverse else pk_set or [])


@receiver([post_save, post_delete], sender=Group)
def _group_changed(sender, instance, **kwargs):
    forget(User.objects.filter(groups=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Warehouse)
def _warehouse_changed(sender, instance, **kwargs):
    forget(Profile.objects.filter(warehouse=instance).values_list("user_id", flat=True))
