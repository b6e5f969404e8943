from django.urls import path

from cmo_portal.routes import object_routes
from reviews import views as v

app_name = "reviews"

urlpatterns = [
    path("mine/", v.MyReviewsView.as_view(), name="my_reviews"),
    path("inbox/", v.InboxView.as_view(), name="inbox"),
    path("ratings/<int:pk>/", v.RatingAnswerView.as_view(), name="stakeholderrating_answer"),
    path("<int:pk>/open/", v.ReviewOpenView.as_view(), name="businessreview_open"),
    path("<int:pk>/sign/", v.ReviewSignView.as_view(), name="businessreview_sign"),
    path("<int:pk>/amend/", v.ReviewAmendView.as_view(), name="businessreview_amend"),
    path("<int:pk>/cancel/", v.ReviewCancelView.as_view(), name="businessreview_cancel"),
    path("<int:pk>/print/", v.ReviewPrintView.as_view(), name="businessreview_print"),
    path("<int:pk>/ratings/", v.RatingRequestView.as_view(), name="stakeholderrating_request"),
    *object_routes(
        "",
        "businessreview",
        list=v.BusinessReviewListView,
        detail=v.BusinessReviewDetailView,
        edit=v.BusinessReviewEditView,
        history=v.BusinessReviewHistoryView,
    ),
    *object_routes(
        "actions",
        "actionitem",
        list=v.ActionItemListView,
        edit=v.ActionItemEditView,
        history=v.ActionItemHistoryView,
    ),
]
