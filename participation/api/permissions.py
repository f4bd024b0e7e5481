"""DRF permission class built on the rules predicates shared with the web views."""

from rest_framework.permissions import BasePermission


class RulesPermission(BasePermission):
    """Asks the view which rules permission applies.

    A view defines ``global_perm(action)`` (checked without an object, e.g. for list and create)
    and ``object_perm(action)`` (checked against ``permission_object(obj)``); either may return
    ``None`` for "no further check".
    """

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        perm = view.global_perm(view.action)
        return perm is None or request.user.has_perm(perm)

    def has_object_permission(self, request, view, obj):
        perm = view.object_perm(view.action)
        return perm is None or request.user.has_perm(perm, view.permission_object(obj))


class RulesMixin:
    permission_classes = [RulesPermission]
    read_actions = ("list", "retrieve")

    def global_perm(self, action):
        return None

    def object_perm(self, action):
        return None

    def permission_object(self, obj):
        return obj
