"""Routes of the trx-staking API, mounted under /api/v1/."""

from lucid_payments.core.routes import routes
from staking.api import views

urlpatterns = routes(
    ("staking/freeze", views.FreezeView, "staking-freeze"),
    ("staking/unfreeze", views.UnfreezeView, "staking-unfreeze"),
    ("staking/withdraw-expired", views.WithdrawExpiredView, "staking-withdraw-expired"),
    ("staking/cancel-unfreezes", views.CancelUnfreezesView, "staking-cancel-unfreezes"),
    ("staking/delegations", views.DelegationListCreateView, "staking-delegations"),
    (
        "staking/delegations/<int:delegation_id>/undelegate",
        views.UndelegateView,
        "staking-undelegate",
    ),
    ("staking/votes", views.VoteView, "staking-votes"),
    ("staking/rewards/claim", views.ClaimRewardsView, "staking-rewards-claim"),
    ("staking/resources/<int:wallet_id>", views.ResourcesView, "staking-resources"),
    ("staking/operations", views.OperationListView, "staking-operations"),
    (
        "staking/operations/<int:operation_id>",
        views.OperationDetailView,
        "staking-operation-detail",
    ),
)
