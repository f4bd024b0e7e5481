"""Keep survey data consistent with the directory: erasing a person blanks their invitations."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from participation.models import Person


@receiver(post_save, sender=Person, dispatch_uid="surveys.person_erased")
def person_erased(sender, instance: Person, **kwargs) -> None:
    if instance.erased_at is not None:
        from .services.invitations import erase_for_person

        erase_for_person(instance)


@receiver(post_save, sender="surveys.Survey", dispatch_uid="surveys.survey_saved")
def survey_saved(sender, instance, **kwargs) -> None:
    from .selectors import forget_survey

    forget_survey(instance.public_id)
