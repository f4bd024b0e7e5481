from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import (
    FieldOfAction,
    Organisation,
    Person,
    Phase,
    Process,
    ProcessMembership,
    TargetGroup,
)


class TargetGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetGroup
        fields = ["id", "code", "name", "name_en", "description", "order", "active"]


class FieldOfActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FieldOfAction
        fields = ["id", "code", "name", "name_en", "description", "order", "active"]


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = [
            "id",
            "process",
            "kind",
            "title",
            "description",
            "start_date",
            "end_date",
            "order",
        ]
        extra_kwargs = {"order": {"required": False}}
        validators = []  # uniqueness is checked by the service with a field-level message


class PhaseUpdateSerializer(PhaseSerializer):
    class Meta(PhaseSerializer.Meta):
        read_only_fields = ["process"]


class ProcessSerializer(serializers.ModelSerializer):
    target_groups = serializers.PrimaryKeyRelatedField(
        many=True, queryset=TargetGroup.objects.all(), required=False
    )
    fields_of_action = serializers.PrimaryKeyRelatedField(
        many=True, queryset=FieldOfAction.objects.all(), required=False
    )
    phases = PhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Process
        fields = [
            "id",
            "title",
            "territory",
            "territory_key",
            "period_start",
            "period_end",
            "description",
            "status",
            "target_groups",
            "fields_of_action",
            "phases",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "address",
            "website",
            "email",
            "phone",
            "notes",
            "processes",
        ]


class PersonSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    pseudonym = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "display_name",
            "pseudonym",
            "first_name",
            "last_name",
            "email",
            "phone",
            "organisation",
            "function",
            "processes",
            "language",
            "consent_to_contact",
            "consent_date",
            "consent_purpose",
            "notes",
            "erased_at",
            "created_at",
        ]
        read_only_fields = ["erased_at", "created_at"]

    def validate(self, attrs):
        merged = {
            **(
                {}
                if self.instance is None
                else {
                    "first_name": self.instance.first_name,
                    "last_name": self.instance.last_name,
                    "email": self.instance.email,
                }
            ),
            **attrs,
        }
        if not (merged.get("first_name") or merged.get("last_name") or merged.get("email")):
            raise serializers.ValidationError(
                {"last_name": _("Enter at least a name or an email address.")}
            )
        return attrs


class PersonEraseSerializer(serializers.Serializer):
    confirm = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError(_("Erasure must be confirmed."))
        return value


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.SlugRelatedField(
        source="user",
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
    )

    class Meta:
        model = ProcessMembership
        fields = ["id", "process", "username", "role", "created_at"]
        read_only_fields = ["created_at"]
        validators = []


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
