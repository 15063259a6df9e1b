"""Cart, checkout and order pages. They work without JavaScript; the storefront's script
uses the JSON API instead where it can."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from checkout import cart as carts
from checkout.addresses import default_address, save_address_from_checkout
from checkout.api import remember_order
from checkout.forms import CheckoutForm
from checkout.models import DeliveryMethod, Order
from checkout.orders import cancel_by_shopper, place_order
from checkout.payments import ensure_deeplink, ensure_qr_image, new_payment_attempt, qr_svg
from checkout.pricing import quote
from kernel.errors import ShopError
from kernel.models import ShopSettings

CHECKOUT_SESSION_KEY = "checkout_details"


def _back_on_this_site(request):
    """Where to send the shopper after an error: the page they came from (the Referer) when
    it is on this site by Django's own check (same host, no scheme tricks, no ``//`` or
    backslashes), the cart when there is none, else the home page."""
    back = request.META.get("HTTP_REFERER")
    if not back:
        return HttpResponseRedirect(reverse("checkout:cart"))
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    return HttpResponseRedirect("/")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@never_cache
def cart_page(request):
    contents = carts.cart_contents(carts.get_cart(request), with_images=True)
    return render(request, "checkout/cart.html", {"contents": contents})


@never_cache
@require_http_methods(["GET", "POST"])
def cart_add(request):
    """GET (from a product page without JavaScript) asks to confirm; POST adds."""
    source = request.POST if request.method == "POST" else request.GET
    product_id, variant_id = _int(source.get("product_id")), _int(source.get("variant_id"))
    quantity = _int(source.get("quantity") or 1)
    try:
        if product_id is None:
            raise ShopError(_("Choose a product first."))
        product, variant = carts.resolve_item(product_id, variant_id)
        if quantity is None:
            raise ShopError(_("Quantity must be a whole number of at least 1."))
        if request.method == "POST":
            carts.add_item(carts.get_cart(request, create=True), product_id, variant_id, quantity)
            messages.success(request, _("Item added to cart."))
            return redirect("checkout:cart")
    except ShopError as error:
        messages.error(request, error.message)
        return _back_on_this_site(request)
    return render(
        request,
        "checkout/cart_add_confirm.html",
        {"product": product, "variant": variant, "quantity": quantity},
    )


@require_POST
def cart_line_update(request, line_id):
    quantity = _int(request.POST.get("quantity"))
    try:
        cart = carts.get_cart(request)
        if quantity == 0:
            carts.remove_line(cart, line_id)
        else:
            carts.set_line_quantity(cart, line_id, quantity if quantity is not None else -1)
            messages.success(request, _("Cart updated."))
    except ShopError as error:
        messages.error(request, error.message)
    return redirect("checkout:cart")


@require_POST
def cart_line_remove(request, line_id):
    try:
        carts.remove_line(carts.get_cart(request), line_id)
        messages.success(request, _("Item removed."))
    except ShopError as error:
        messages.error(request, error.message)
    return redirect("checkout:cart")


def _checkout_ready(request):
    contents = carts.cart_contents(carts.get_cart(request), with_images=True)
    if contents.is_empty:
        # The cart page says it is empty; the notice says why the shopper landed there.
        messages.info(request, _("There is nothing to check out yet: add something first."))
        return None, redirect("checkout:cart")
    if contents.has_problems:
        messages.error(request, _("Some items in your cart are no longer available as ordered."))
        return None, redirect("checkout:cart")
    return contents, None


def _saved_details_form(request):
    """The details form bound to what the details step saved in the session, or None.

    The review step validates it again (the saved values never go to the database
    unchecked), so details that fail now send the shopper back to correct them rather than
    failing on every retry."""
    saved = request.session.get(CHECKOUT_SESSION_KEY)
    if not saved or not isinstance(saved, dict):
        return None
    return CheckoutForm(data=saved)


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_details(request):
    contents, stop = _checkout_ready(request)
    if stop:
        return stop
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            request.session[CHECKOUT_SESSION_KEY] = form.session_data()
            if request.user.is_authenticated and form.cleaned_data.get("save_address"):
                save_address_from_checkout(request.user, form.cleaned_data)
            return redirect("checkout:review")
    else:
        saved = _saved_details_form(request)
        if saved is not None and not saved.is_valid():
            # Details saved earlier that no longer pass (a delivery method withdrawn, or a
            # value from before today's rules): show them with what to correct.
            form = saved.display_copy()
            return render(request, "checkout/checkout.html", {"form": form, "contents": contents})
        initial = dict(saved.data) if saved is not None else {}
        if not initial and request.user.is_authenticated:
            initial = {"email": request.user.email, "name": request.user.get_full_name()}
            address = default_address(request.user)
            if address:
                initial.update(
                    name=address.name,
                    phone=address.phone,
                    province=address.province,
                    address=address.address,
                )
        first = DeliveryMethod.active().first()
        initial.setdefault("delivery_method", first.code if first else None)
        form = CheckoutForm(initial=initial)
    return render(request, "checkout/checkout.html", {"form": form, "contents": contents})


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_review(request):
    contents, stop = _checkout_ready(request)
    if stop:
        # A second click on "Place order" lands here after the first emptied the cart.
        if request.method == "POST" and request.session.get("last_order_token"):
            return redirect("checkout:order", token=request.session["last_order_token"])
        return stop
    form = _saved_details_form(request)
    if form is None:
        return redirect("checkout:details")
    if not form.is_valid():
        messages.error(request, _("Please check your details again."))
        return redirect("checkout:details")
    shop = ShopSettings.for_request(request)
    details = form.details()
    if request.method == "POST":
        try:
            order, _created = place_order(carts.get_cart(request), details, shop, user=request.user)
        except ShopError as error:
            messages.error(request, error.message)
            return redirect("checkout:cart")
        remember_order(request, order)
        request.session["last_order_token"] = order.token
        request.session.pop(CHECKOUT_SESSION_KEY, None)
        return redirect("checkout:order", token=order.token)
    prices = quote(contents.items, details.delivery_method, details.currency, shop)
    return render(
        request,
        "checkout/review.html",
        {
            "details": details,
            "lines": [
                {"item": line.item, "unit": line.unit_price, "total": line.total}
                for line in prices.lines
            ],
            "currency": prices.currency,
            "subtotal": prices.subtotal,
            "fee": prices.delivery_fee,
            "total": prices.total,
            "shop": shop,
            "payment_window_minutes": settings.SHOP_PAYMENT_WINDOW_MINUTES,
        },
    )


@never_cache
def order_page(request, token):
    """The order, and while it waits for money, its payment page: the KHQR, a countdown and
    a script that polls the payment's status and swaps in the receipt when it is paid."""
    order = get_object_or_404(Order.objects.prefetch_related("lines"), token=token)
    remember_order(request, order)
    payment = order.payments.first()
    # This page in the language the shopper is reading it in (the URL's), which may not be the
    # one they ordered in (``order.get_absolute_url``): the script reloads it, Bakong returns to it.
    order_url = reverse("checkout:order", args=[order.token])
    context = {
        "order": order,
        "payment": payment,
        "shop": ShopSettings.for_request(request),
        "order_url": order_url,
    }
    if payment is not None and payment.is_pending:
        context["qr_image_url"] = ensure_qr_image(payment)  # the PNG, to save to a gallery
        context["qr_svg"], context["qr_modules"] = qr_svg(payment)
        # Asked once per payment; the page shows the link on phones only.
        context["deeplink"] = ensure_deeplink(
            payment,
            callback_url=request.build_absolute_uri(order_url),
            icon_url=request.build_absolute_uri(static("img/logo.svg")),
        )
    context["paid_payment"] = order.paid_payment
    return render(request, "checkout/order.html", context)


@require_POST
def order_new_payment(request, token):
    """A new KHQR after the previous one expired (if the stock can still be reserved)."""
    order = get_object_or_404(Order, token=token)
    try:
        new_payment_attempt(order.pk)
        messages.success(request, _("Here is a new payment code."))
    except ShopError as error:
        messages.error(request, error.message)
    return redirect("checkout:order", token=order.token)


@require_POST
def order_cancel(request, token):
    order = get_object_or_404(Order, token=token)
    try:
        cancel_by_shopper(order, user=request.user)
        messages.success(request, _("Your order is cancelled. Nothing was charged."))
    except ShopError as error:
        messages.error(request, error.message)
    return redirect("checkout:order", token=order.token)
