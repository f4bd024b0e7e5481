"""Reads of the concept document, scoped by the user's role in the process.

Staff see every version and job; facilitators and experts of the process see published
versions only; everyone else (and the public pages) only published versions of a process.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from participation.models import Process
from participation.permissions import roles_of

from ..models import Chapter, Concept, ConceptVersion, GenerationJob, Variant


def can_manage(user, process: Process) -> bool:
    return user.has_perm("measures.manage_concept", process)


def readable_processes(user) -> QuerySet[Process]:
    if getattr(user, "is_superuser", False):
        return Process.objects.all()
    return Process.objects.filter(pk__in=list(roles_of(user)))


def versions_for(*, user, process: Process) -> QuerySet[ConceptVersion]:
    qs = ConceptVersion.objects.filter(concept__process=process).select_related(
        "concept", "created_by"
    )
    if can_manage(user, process):
        return qs.order_by("-created_at", "-id")
    if user.has_perm("measures.read_concept", process):
        return qs.filter(published=True).order_by("-created_at", "-id")
    return qs.none()


def versions_of_user(*, user) -> QuerySet[ConceptVersion]:
    """Every version the user may read, over all their processes (for the API list)."""
    qs = ConceptVersion.objects.select_related("concept__process", "created_by")
    if getattr(user, "is_superuser", False):
        return qs.order_by("-created_at", "-id")
    roles = roles_of(user)
    staff = [pk for pk, role in roles.items() if role == "staff"]
    readers = [pk for pk, role in roles.items() if role != "staff"]
    from django.db.models import Q

    return qs.filter(
        Q(concept__process_id__in=staff) | Q(concept__process_id__in=readers, published=True)
    ).order_by("-created_at", "-id")


def version_for(*, user, process: Process, pk: int) -> ConceptVersion:
    version = versions_for(user=user, process=process).filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def public_versions(process: Process) -> QuerySet[ConceptVersion]:
    return ConceptVersion.objects.filter(concept__process=process, published=True).order_by(
        "variant", "-year", "-number"
    )


def latest_versions(versions) -> list[ConceptVersion]:
    """The newest version of each variant (and report year), in variant order."""
    seen: dict[tuple, ConceptVersion] = {}
    for version in versions:
        key = (version.variant, version.year, version.language)
        if key not in seen or version.number > seen[key].number:
            seen[key] = version
    order = {v: i for i, v in enumerate(Variant.values)}
    return sorted(seen.values(), key=lambda v: (order[v.variant], -(v.year or 0), v.language))


def chapters(concept: Concept) -> QuerySet[Chapter]:
    return concept.chapters.select_related("field_of_action", "updated_by").order_by("order")


def jobs_for(*, user, process: Process) -> QuerySet[GenerationJob]:
    qs = GenerationJob.objects.filter(concept__process=process).select_related(
        "requested_by", "version", "concept"
    )
    return qs if can_manage(user, process) else qs.none()


def jobs_of_user(*, user) -> QuerySet[GenerationJob]:
    qs = GenerationJob.objects.select_related("concept__process", "version", "requested_by")
    if getattr(user, "is_superuser", False):
        return qs
    staff = [pk for pk, role in roles_of(user).items() if role == "staff"]
    return qs.filter(concept__process_id__in=staff)


def chapters_of_user(*, user) -> QuerySet[Chapter]:
    qs = Chapter.objects.select_related("concept__process", "field_of_action")
    if getattr(user, "is_superuser", False):
        return qs.order_by("concept", "order")
    staff = [pk for pk, role in roles_of(user).items() if role == "staff"]
    return qs.filter(concept__process_id__in=staff).order_by("concept", "order")
