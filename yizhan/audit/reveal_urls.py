"""The one reveal endpoint, mounted at /reveal/ (its URL name ``reveal`` is used by the ``{% reveal %}`` tag)."""

from django.urls import path

from .views import reveal_value

urlpatterns = [path("<str:label>/<int:pk>/<str:field>/", reveal_value, name="reveal")]
