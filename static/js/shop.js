/* Storefront behaviour that pages work without: gallery thumbnails, filter autosubmit,
   and the cart badge, which is filled from a small request so catalog pages stay cacheable. */
(function () {
    "use strict";

    function setBadge(count) {
        document.querySelectorAll("[data-cart-count]").forEach(function (badge) {
            var value = badge.querySelector("[data-cart-count-value]");
            if (value) value.textContent = String(count);
            badge.classList.toggle("is-empty", count === 0);
        });
    }

    function loadCartCount() {
        if (!window.fetch) return;
        fetch("/api/cart/", { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) { if (data && typeof data.item_count === "number") setBadge(data.item_count); })
            .catch(function () { /* the badge keeps its last value */ });
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

    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("[data-gallery]").forEach(initGallery);
        document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
            field.addEventListener("change", function () { field.form.submit(); });
        });
        setBadge(0);
        loadCartCount();
    });

    window.shop = { setBadge: setBadge, loadCartCount: loadCartCount };
})();
