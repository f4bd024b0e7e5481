"""Queues the incremental results update when a response is completed (connected in
``SurveysConfig.ready``): every path that completes a response saves it with ``status``."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from ..models import Response


@receiver(post_save, sender=Response, dispatch_uid="surveys.results.response_completed")
def response_completed(sender, instance: Response, created: bool, update_fields=None, **kwargs):
    if instance.status != Response.Status.COMPLETE or instance.is_test:
        return
    if not created and update_fields is not None and "status" not in update_fields:
        return
    from .tasks import aggregate_response

    aggregate_response.delay_on_commit(instance.pk)
