"""Routes of the trx-staking API, mounted under /api/v1/."""

from django.urls import path

from staking.api import views

urlpatterns = [
    path("staking/freeze", views.FreezeView.as_view(), name="staking-freeze"),
    path("staking/unfreeze", views.UnfreezeView.as_view(), name="staking-unfreeze"),
    path(
        "staking/withdraw-expired",
        views.WithdrawExpiredView.as_view(),
        name="staking-withdraw-expired",
    ),
    path(
        "staking/cancel-unfreezes",
        views.CancelUnfreezesView.as_view(),
        name="staking-cancel-unfreezes",
    ),
    path(
        "staking/delegations",
        views.DelegationListCreateView.as_view(),
        name="staking-delegations",
    ),
    path(
        "staking/delegations/<int:delegation_id>/undelegate",
        views.UndelegateView.as_view(),
        name="staking-undelegate",
    ),
    path("staking/votes", views.VoteView.as_view(), name="staking-votes"),
    path("staking/rewards/claim", views.ClaimRewardsView.as_view(), name="staking-rewards-claim"),
    path(
        "staking/resources/<int:wallet_id>",
        views.ResourcesView.as_view(),
        name="staking-resources",
    ),
    path("staking/operations", views.OperationListView.as_view(), name="staking-operations"),
    path(
        "staking/operations/<int:operation_id>",
        views.OperationDetailView.as_view(),
        name="staking-operation-detail",
    ),
]
