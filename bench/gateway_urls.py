"""payment-gateway's URLs plus ``/bench/bare``: a view that renders nothing and reads
nothing, the floor every page of this stack stands on."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lucid_payments.urls.common import *  # noqa: F403 - error handlers
from lucid_payments.urls.payment_gateway import urlpatterns as gateway_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!doctype html><title>ok</title>ok", content_type="text/html")


urlpatterns = [path("bench/bare", bare), *gateway_urlpatterns]
