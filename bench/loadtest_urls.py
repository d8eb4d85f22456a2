"""The project's URLs plus /bench/bare: a bare Django view through the same middleware stack, served by the
same gunicorn in the same run as the pages it is compared with."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from capil.urls import urlpatterns as capil_urlpatterns


@never_cache
def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare, name="bench_bare"), *capil_urlpatterns]
