"""The login CAPTCHA's picture (django-simple-captcha's view), mounted at the site root because its form widget finds
it by the global URL name ``captcha-image``. Only the picture: no audio (it needs the flite program) and no refresh
endpoint (it would let anyone create challenges without a login form); the login form draws a new one each time."""

from captcha import views
from django.urls import re_path

urlpatterns = [
    re_path(r"image/(?P<key>\w+)/$", views.captcha_image, name="captcha-image", kwargs={"scale": 1}),
]
