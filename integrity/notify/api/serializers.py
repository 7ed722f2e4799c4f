"""API representation of a notification: its title and body rendered in the caller's
language, the link it points to, and whether it was read."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from ..kinds import body_of, title_of
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    open_url = serializers.SerializerMethodField(
        help_text="Follow this to open the target and mark the notification read."
    )
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "open_url",
            "subject_type",
            "subject_id",
            "court",
            "created_at",
            "read_at",
            "is_read",
            "email_status",
        ]
        read_only_fields = fields

    def get_title(self, obj: Notification) -> str:
        return title_of(obj.kind, obj.params)

    def get_body(self, obj: Notification) -> str:
        return body_of(obj.kind, obj.params)

    def get_open_url(self, obj: Notification) -> str:
        return reverse("notify:open", args=[obj.pk])


class InboxQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread until now.")
