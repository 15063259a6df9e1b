"""Cart, checkout and order pages. They work without JavaScript; the storefront's script
uses the JSON API instead where it can."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from checkout import cart as carts
from checkout.addresses import default_address, save_address_from_checkout
from checkout.api import remember_order
from checkout.delivery import DeliveryRules
from checkout.discounts import (
    CODE_TRIES,
    CODE_WINDOW,
    DiscountRefused,
    discount_for,
    uses_refusal,
)
from checkout.documents import can_have, render_document
from checkout.forms import CheckoutForm
from checkout.models import PROVINCES, Order, PaymentMethod, normalize_code
from checkout.orders import cancel_by_shopper, place_order
from checkout.payments import ensure_deeplink, ensure_qr_image, new_payment_attempt, qr_svg
from checkout.pricing import items_total, quote
from kernel import money
from kernel.errors import ShopError
from kernel.input import StorableTextForm, storable
from kernel.models import ShopSettings
from kernel.phones import cambodian_phone
from kernel.throttle import client_address, count_hit

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


def _cart_discount(request, contents, shop, delivery=None):
    """``(applied discount or None, why the entered code does not apply or "")``."""
    code = contents.cart.discount_code if contents.cart else ""
    try:
        return discount_for(contents.items, shop, code=code, delivery=delivery), ""
    except DiscountRefused as refused:
        return None, refused.message


@never_cache
def cart_page(request):
    contents = carts.cart_contents(carts.get_cart(request), with_images=True)
    shop = ShopSettings.for_request(request)
    applied, refusal = _cart_discount(request, contents, shop)
    return render(
        request,
        "checkout/cart.html",
        {
            "contents": contents,
            "discount": applied,
            "discount_refusal": refusal,
            "total": contents.subtotal - (applied.amount if applied else 0),
        },
    )


@require_POST
def cart_discount(request):
    """Apply the code the shopper typed to their cart (or remove it). Tries are counted per
    client: past ``CODE_TRIES`` in ``CODE_WINDOW`` the shopper is asked to wait."""
    cart = carts.get_cart(request)
    if cart is None:
        messages.error(request, _("Your cart is empty."))
        return redirect("checkout:cart")
    if "remove" in request.POST:
        cart.discount_code = ""
        cart.save(update_fields=["discount_code", "updated_at"])
        messages.success(request, _("Discount code removed."))
        return redirect("checkout:cart")
    if count_hit("discount-code", client_address(request), CODE_WINDOW) > CODE_TRIES:
        messages.error(request, _("Too many codes tried. Please wait 10 minutes and try again."))
        return redirect("checkout:cart")
    code = normalize_code(storable(request.POST.get("code", ""))[:40])
    contents = carts.cart_contents(cart)
    shop = ShopSettings.for_request(request)
    try:
        applied = discount_for(contents.items, shop, code=code)
    except DiscountRefused as refused:
        messages.error(request, refused.message)
        return redirect("checkout:cart")
    cart.discount_code = code
    cart.save(update_fields=["discount_code", "updated_at"])
    messages.success(
        request, _("Code %(code)s applied: %(name)s.") % {"code": code, "name": applied.name}
    )
    return redirect("checkout:cart")


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


def _form_context(request, contents):
    """What the details form needs to judge cash on delivery for this cart."""
    shop = ShopSettings.for_request(request)
    return {
        "shop": shop,
        "items_total": items_total(contents.items),
        "discount": _cart_discount(request, contents, shop)[0],
    }


def _saved_details_form(request, contents):
    """The details form bound to what the details step saved in the session, or None.

    The review step validates it again (the saved values never go to the database
    unchecked), so details that fail now send the shopper back to correct them rather than
    failing on every retry."""
    saved = request.session.get(CHECKOUT_SESSION_KEY)
    if not saved or not isinstance(saved, dict):
        return None
    return CheckoutForm(data=saved, **_form_context(request, contents))


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_details(request):
    contents, stop = _checkout_ready(request)
    if stop:
        return stop
    if request.method == "POST":
        form = CheckoutForm(request.POST, **_form_context(request, contents))
        if form.is_valid():
            request.session[CHECKOUT_SESSION_KEY] = form.session_data()
            if request.user.is_authenticated and form.cleaned_data.get("save_address"):
                save_address_from_checkout(request.user, form.cleaned_data)
            return redirect("checkout:review")
    else:
        saved = _saved_details_form(request, contents)
        if saved is not None and not saved.is_valid():
            # Details saved earlier that no longer pass (a delivery method withdrawn, or a
            # value from before today's rules): show them with what to correct.
            form = saved.display_copy()
            return _details_page(request, form, contents)
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
        if "delivery_method" not in initial:
            options = DeliveryRules().options(initial.get("province") or PROVINCES[0])
            initial["delivery_method"] = options[0].code if options else None
        form = CheckoutForm(initial=initial, **_form_context(request, contents))
    return _details_page(request, form, contents)


def _details_page(request, form, contents):
    """The details page. Its delivery choices carry each method's fee in every province (a
    small table for the page's script, which shows only the methods that deliver to the
    chosen province, with their fees there); without the script, the form says which
    methods do not deliver there when it is sent."""
    shop = ShopSettings.for_request(request)
    rules = form.rules
    subtotal = items_total(contents.items)
    table = {}
    for province in PROVINCES:
        table[province] = {}
        for option in rules.options(province):
            fee = option.fee_for(subtotal)
            table[province][option.code] = {
                "fee": money.format_money(fee, shop.base_currency)
                if fee
                else pgettext("price", "Free"),
                "cod": rules.cash_on_delivery_refusal(shop, province, subtotal + fee) is None,
            }
    province = form["province"].value() or PROVINCES[0]
    shown = table.get(province, {})
    return render(
        request,
        "checkout/checkout.html",
        {
            "form": form,
            "contents": contents,
            "delivery_table": table,
            "methods": [
                {
                    "method": method,
                    "fee": shown.get(method.code, {}).get("fee", ""),
                    "offered": method.code in shown,
                }
                for method in rules.methods
            ],
            "cash_on_delivery": shop.cash_on_delivery,
            "discount": form.discount,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def checkout_review(request):
    contents, stop = _checkout_ready(request)
    if stop:
        # A second click on "Place order" lands here after the first emptied the cart.
        if request.method == "POST" and request.session.get("last_order_token"):
            return redirect("checkout:order", token=request.session["last_order_token"])
        return stop
    form = _saved_details_form(request, contents)
    if form is None:
        return redirect("checkout:details")
    if not form.is_valid():
        messages.error(request, _("Please check your details again."))
        return redirect("checkout:details")
    shop = ShopSettings.for_request(request)
    details = form.details()
    applied, refusal = _cart_discount(request, contents, shop, delivery=details.delivery)
    if not refusal and applied is not None:
        refusal = uses_refusal(applied.discount, phone=details.phone, email=details.email)
    if refusal:
        messages.error(request, refusal)
        return redirect("checkout:cart")
    if request.method == "POST":
        try:
            order, _created = place_order(carts.get_cart(request), details, shop, user=request.user)
        except ShopError as error:
            messages.error(request, error.message)
            if set(error.fields) & set(form.fields):
                # A detail that no longer fits (cash on delivery refused, a method that
                # stopped delivering there): back to the details, not the cart.
                return redirect("checkout:details")
            return redirect("checkout:cart")
        remember_order(request, order)
        request.session["last_order_token"] = order.token
        request.session.pop(CHECKOUT_SESSION_KEY, None)
        return redirect("checkout:order", token=order.token)
    prices = quote(contents.items, details.delivery, details.currency, shop, discount=applied)
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
            "discount": applied,
            "discount_amount": prices.discount,
            "fee": prices.delivery_fee,
            "total": prices.total,
            "shop": shop,
            "payment_window_minutes": settings.SHOP_PAYMENT_WINDOW_MINUTES,
            "cash_on_delivery": details.payment_method == PaymentMethod.CASH_ON_DELIVERY,
            "free_delivery": not prices.delivery_fee
            and (details.delivery.free_from is not None or (applied and applied.free_delivery)),
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


FIND_ORDER_TRIES = 10  # per client per window: plenty for typos, too few to guess numbers
FIND_ORDER_WINDOW = 15 * 60


class FindOrderForm(StorableTextForm, forms.Form):
    number = forms.CharField(
        max_length=20,
        label=gettext_lazy("Order number"),
        help_text=gettext_lazy("As in your e-mail or SMS, e.g. 261124-7K3QD."),
    )
    phone = forms.CharField(
        max_length=30,
        label=gettext_lazy("Phone number you ordered with"),
    )

    def clean_number(self):
        return "".join(self.cleaned_data["number"].split()).upper()

    def clean_phone(self):
        return cambodian_phone(self.cleaned_data["phone"])


@never_cache
@require_http_methods(["GET", "POST"])
def find_order(request):
    """Anyone who knows an order's number and phone number can open it: a cash on delivery
    shopper may have no e-mail (and so no link). Tries are counted per client, so that order
    numbers cannot be guessed from here."""
    form = FindOrderForm(request.POST or None)
    if request.method == "POST":
        tries = count_hit("find-order", client_address(request), FIND_ORDER_WINDOW)
        if tries > FIND_ORDER_TRIES:
            form.is_valid()  # shows what was typed, with its own field errors if any
            form.add_error(None, _("Too many tries. Please wait 15 minutes and try again."))
            return render(request, "checkout/find_order.html", {"form": form}, status=429)
        if form.is_valid():
            order = Order.objects.filter(
                number=form.cleaned_data["number"], phone=form.cleaned_data["phone"]
            ).first()
            if order is not None:
                remember_order(request, order)
                return redirect("checkout:order", token=order.token)
            form.add_error(
                None,
                _("We found no order with this number and phone number. Please check both."),
            )
    return render(request, "checkout/find_order.html", {"form": form})


@never_cache
def order_receipt(request, token):
    """The receipt of a paid order as a PDF, for whoever holds the order's link."""
    order = get_object_or_404(Order, token=token)
    if not can_have(order, "receipt"):
        raise Http404
    size = request.GET.get("size", "A4")
    pdf = render_document(order, "receipt", size=size, shop=ShopSettings.for_request(request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{order.number}.pdf"'
    return response
