/* Storefront behaviour that pages work without: gallery thumbnails, filter autosubmit,
   and the cart badge, which is filled from a small request so catalog pages stay cacheable.

   The words shown here and the links made come from the page, in the page's language
   (<script id="shop-i18n">, made in base.html): this script has no gettext. The API has no
   language prefix, so every request names the page's language (Accept-Language), and the
   API's messages come back in it. */
(function () {
    "use strict";

    var ENGLISH = {
        added: "Item added to cart.",
        viewCart: "View cart →",
        cartUrl: "/cart/",
        addFailed: "Could not add this item.",
        networkProblem: "Network problem: please try again.",
        expiresIn: "Expires in %(time)s",
        expired: "This code has expired. We are checking with the bank one last time…",
        paid: "Payment received!"
    };

    function pageWords() {
        var words = {}, key;
        for (key in ENGLISH) words[key] = ENGLISH[key];
        var source = document.getElementById("shop-i18n");
        if (source) {
            try {
                var given = JSON.parse(source.textContent);
                for (key in given) if (given[key]) words[key] = given[key];
            } catch (error) { /* the English words above */ }
        }
        return words;
    }

    var words = null;
    function t(key) {
        if (!words) words = pageWords();
        return words[key];
    }

    function headers(extra) {
        var result = { "Accept-Language": document.documentElement.lang || "en" };
        for (var key in extra || {}) result[key] = extra[key];
        return result;
    }

    function setBadge(count) {
        document.querySelectorAll("[data-cart-count]").forEach(function (badge) {
            var value = badge.querySelector("[data-cart-count-value]");
            if (value) value.textContent = String(count);
            badge.classList.toggle("is-empty", count === 0);
        });
    }

    function loadCartCount() {
        if (!window.fetch) return;
        fetch("/api/cart/", { credentials: "same-origin", headers: headers({ Accept: "application/json" }) })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) { if (data && typeof data.item_count === "number") setBadge(data.item_count); })
            .catch(function () { /* the badge keeps its last value */ });
    }

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : "";
    }

    function ensureCsrfToken() {
        if (csrfToken()) return Promise.resolve(csrfToken());
        // GET /api/cart/ sets the CSRF cookie; catalog pages carry no token so they can be cached.
        return fetch("/api/cart/", { credentials: "same-origin", headers: headers() }).then(function () { return csrfToken(); });
    }

    function showMessage(form, text, ok, link) {
        var box = form.querySelector("[data-form-message]");
        if (!box) return;
        box.textContent = text + " ";
        box.className = "form-message " + (ok ? "is-ok" : "is-error");
        if (link) {
            var a = document.createElement("a");
            a.href = link.href;
            a.textContent = link.text;
            box.appendChild(a);
        }
    }

    function initAddToCart(form) {
        form.addEventListener("submit", function (event) {
            if (!window.fetch) return; // the plain form still works
            event.preventDefault();
            var data = new FormData(form);
            var variant = data.get("variant_id");
            var body = {
                product_id: parseInt(data.get("product_id"), 10),
                variant_id: variant ? parseInt(variant, 10) : null,
                quantity: parseInt(data.get("quantity") || "1", 10)
            };
            var button = form.querySelector("button[type=submit]");
            if (button) button.disabled = true;
            ensureCsrfToken()
                .then(function (token) {
                    return fetch("/api/cart/add/", {
                        method: "POST",
                        credentials: "same-origin",
                        headers: headers({ "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token }),
                        body: JSON.stringify(body)
                    });
                })
                .then(function (response) {
                    return response.json().then(function (payload) { return { ok: response.ok, payload: payload }; });
                })
                .then(function (result) {
                    if (result.ok) {
                        setBadge(result.payload.cart.item_count);
                        document.querySelectorAll("[data-cart-count]").forEach(function (badge) {
                            badge.classList.remove("is-bumped");
                            void badge.offsetWidth;
                            badge.classList.add("is-bumped");
                        });
                        showMessage(form, t("added"), true, { href: t("cartUrl"), text: t("viewCart") });
                    } else {
                        showMessage(form, (result.payload.error && result.payload.error.message) || t("addFailed"), false);
                    }
                })
                .catch(function () { showMessage(form, t("networkProblem"), false); })
                .then(function () { if (button) button.disabled = false; });
        });
    }

    function initPayment(panel) {
        var statusUrl = panel.getAttribute("data-status-url");
        var orderUrl = panel.getAttribute("data-order-url");
        var expiresAt = Date.parse(panel.getAttribute("data-expires-at"));
        var countdown = panel.querySelector("[data-countdown]");
        var statusLine = panel.querySelector("[data-pay-status]");
        var done = false;

        function tick() {
            if (done || !countdown) return;
            var left = Math.max(0, Math.round((expiresAt - Date.now()) / 1000));
            if (left > 0) {
                var minutes = Math.floor(left / 60), seconds = left % 60;
                countdown.textContent = t("expiresIn").replace("%(time)s", minutes + ":" + (seconds < 10 ? "0" : "") + seconds);
            } else {
                countdown.textContent = t("expired");
                countdown.classList.add("is-expired");
            }
        }

        function showOrderPage() {
            // Swap in the receipt (or the expired notice) without reloading the page.
            return fetch(orderUrl, { credentials: "same-origin", headers: headers() })
                .then(function (response) { return response.text(); })
                .then(function (text) {
                    var next = new DOMParser().parseFromString(text, "text/html").querySelector("main");
                    var main = document.querySelector("main");
                    if (next && main) {
                        main.innerHTML = next.innerHTML;
                        window.scrollTo(0, 0);
                        var heading = main.querySelector("h1");
                        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
                    }
                });
        }

        function poll() {
            if (done) return;
            fetch(statusUrl, { credentials: "same-origin", headers: headers({ Accept: "application/json" }) })
                .then(function (response) { return response.ok ? response.json() : null; })
                .then(function (data) {
                    if (!data) return;
                    if (data.status === "paid") {
                        done = true;
                        if (statusLine) statusLine.textContent = t("paid");
                        return showOrderPage();
                    }
                    if (data.order_status !== "awaiting_payment" || data.status !== "pending") {
                        done = true;
                        return showOrderPage();
                    }
                })
                .catch(function () { /* try again at the next tick */ })
                .then(function () { if (!done) setTimeout(poll, 3000); });
        }

        tick();
        setInterval(tick, 1000);
        setTimeout(poll, 1500);
    }

    function initGallery(root) {
        var main = root.querySelector("[data-gallery-main]");
        if (!main) return;
        root.querySelectorAll("[data-gallery-thumb]").forEach(function (thumb) {
            thumb.addEventListener("click", function () {
                main.src = thumb.getAttribute("data-gallery-thumb");
                main.removeAttribute("srcset");
                main.alt = thumb.getAttribute("data-alt") || "";
                root.querySelectorAll("[data-gallery-thumb]").forEach(function (other) {
                    other.classList.toggle("is-active", other === thumb);
                    if (other === thumb) other.setAttribute("aria-current", "true");
                    else other.removeAttribute("aria-current");
                });
            });
        });
    }

    /* A row that scrolls sideways (the category menu on a phone) fades out at the edge
       where more is hidden, so a label cut at the edge reads as "scroll for more". */
    function initScrollRow(row) {
        function update() {
            var more = row.scrollLeft + row.clientWidth < row.scrollWidth - 1;
            row.classList.toggle("has-more-after", more);
            row.classList.toggle("has-more-before", row.scrollLeft > 1);
        }
        row.addEventListener("scroll", update, { passive: true });
        window.addEventListener("resize", update);
        var current = row.querySelector("[aria-current]");
        if (current && current.scrollIntoView && row.scrollWidth > row.clientWidth) {
            row.scrollLeft = current.offsetLeft - row.offsetLeft - 16;
        }
        update();
    }

    /* The checkout's delivery choices follow the province: only the methods that deliver
       there can be chosen, each with its fee there, and cash on delivery only where (and up
       to the order value) the shop takes it. The table comes from the page; the server
       checks the same rules when the form is sent. */
    function initDeliveryChoices(table) {
        var rules = JSON.parse(table.textContent);
        var province = document.querySelector("select[name=province]");
        if (!province) return;
        var form = province.form;
        function update() {
            var here = rules[province.value] || {};
            var checked = null;
            form.querySelectorAll("[data-delivery]").forEach(function (label) {
                var option = here[label.getAttribute("data-delivery")];
                var input = label.querySelector("input");
                label.toggleAttribute("data-unavailable", !option);
                input.disabled = !option;
                label.querySelector("[data-fee]").textContent = option ? option.fee : "";
                if (input.checked && option) checked = input;
            });
            if (!checked) {
                var first = form.querySelector("[data-delivery]:not([data-unavailable]) input");
                if (first) { first.checked = true; checked = first; }
            }
            var cash = form.querySelector("[data-cash-on-delivery]");
            if (cash) {
                var allowed = !!(checked && here[checked.value] && here[checked.value].cod);
                var input = cash.querySelector("input");
                cash.toggleAttribute("data-unavailable", !allowed);
                input.disabled = !allowed;
                if (!allowed && input.checked) {
                    form.querySelector("input[name=payment_method][value=khqr]").checked = true;
                }
            }
        }
        province.addEventListener("change", update);
        form.querySelectorAll("input[name=delivery_method]").forEach(function (input) {
            input.addEventListener("change", update);
        });
        update();
    }

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("[data-scroll-row]").forEach(initScrollRow);
        var deliveryTable = document.getElementById("delivery-table");
        if (deliveryTable) initDeliveryChoices(deliveryTable);
        document.querySelectorAll("[data-gallery]").forEach(initGallery);
        document.querySelectorAll("[data-add-to-cart]").forEach(initAddToCart);
        document.querySelectorAll("[data-payment]").forEach(initPayment);
        document.querySelectorAll("form[data-once]").forEach(function (form) {
            form.addEventListener("submit", function () {
                var button = form.querySelector("button[type=submit]");
                if (button) setTimeout(function () { button.disabled = true; }, 0);
            });
        });
        document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
            field.addEventListener("change", function () { field.form.submit(); });
        });
        setBadge(0);
        loadCartCount();
    });

    window.shop = { setBadge: setBadge, loadCartCount: loadCartCount };
})();
