"""Admin for reviews: readable with their history; a signed review is read-only here too."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reviews.models import ActionItem, BusinessReview, ReviewNotice, ReviewSignature


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ("description", "owner", "due_date", "status", "closed_on")


@admin.register(BusinessReview)
class BusinessReviewAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "status", "due_date", "owner", "is_signed")
    list_filter = ("status", "kind")
    search_fields = ("cmo__name", "summary")
    date_hierarchy = "due_date"
    readonly_fields = (
        "opened_at",
        "scorecard_snapshot",
        "completed_on",
        "carried_actions_snapshot",
        "amends",
        "amendment_reason",
    )
    inlines = [ActionItemInline]

    @admin.display(boolean=True, description="signed")
    def is_signed(self, obj):
        return obj.is_signed

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_signed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_signed:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ReviewSignature)
class ReviewSignatureAdmin(SimpleHistoryAdmin):
    """Signatures are made on the review's sign page only, and never changed."""

    list_display = ("review", "printed_name", "signed_at", "meaning")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewNotice)
class ReviewNoticeAdmin(admin.ModelAdmin):
    list_display = ("review", "kind", "recipient", "sent_at")
    list_filter = ("kind",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
