"""The shop's URLs plus ``/<language>/test-failure/``, a form handler that fails after reading
what the shopper sent (as a checkout with a bug would)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from website.urls import handler400, handler404, handler500  # noqa: F401
from website.urls import urlpatterns as shop_urlpatterns


@csrf_exempt
def failing_form(request):
    request.POST.get("phone")  # the body is read, so an error report could have quoted it
    raise ZeroDivisionError("the order total could not be computed")


urlpatterns = i18n_patterns(path("test-failure/", failing_form)) + shop_urlpatterns
