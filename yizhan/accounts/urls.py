from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.set_language, name="set_language"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("home/", views.home, name="home"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("pick/places/", views.pick_places, name="pick_places"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/", views.membership_add, name="membership_add"),
    path("users/<int:pk>/roles/<int:membership_pk>/revoke/", views.membership_revoke, name="membership_revoke"),
    path("users/<int:pk>/password/", views.password_reset, name="password_reset"),
    path("users/<int:pk>/two-factor/reset/", views.two_factor_reset, name="two_factor_reset"),
]
