from reviews.api import views


def register(router):
    router.register("reviews", views.BusinessReviewViewSet)
    router.register("review-ratings", views.StakeholderRatingViewSet)
    router.register("review-actions", views.ActionItemViewSet)
