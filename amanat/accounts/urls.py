from django.urls import path

from amanat.accounts.views import auth, people, profile

app_name = "accounts"

urlpatterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("two-factor/", auth.TwoFactorVerifyView.as_view(), name="two-factor"),
    path("two-factor/setup/", auth.two_factor_setup, name="two-factor-setup"),
    path("two-factor/disable/", auth.two_factor_disable, name="two-factor-disable"),
    path("password/change/", auth.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password/reset/done/", auth.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("profile/", profile.profile, name="profile"),
    path("profile/tokens/new/", profile.token_create, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", profile.token_revoke, name="token-revoke"),
    path("users/", people.UserListView.as_view(), name="user-list"),
    path("users/new/", people.user_create, name="user-create"),
    path("users/<int:pk>/", people.user_detail, name="user-detail"),
    path("users/<int:pk>/grants/new/", people.grant_create, name="grant-create"),
    path("grants/<int:pk>/revoke/", people.grant_revoke, name="grant-revoke"),
    path("roles/", people.role_list, name="role-list"),
]
