"""The shopper scenario: people who browse, search, add to their cart, sometimes check out,
and then watch the payment page, with 5 to 15 s between steps. Like the storefront's script
in a browser, every page view also asks GET /api/cart/ for the cart badge.

    locust -f bench/locustfile.py --headless -u 1000 -r 20 -t 5m --host http://127.0.0.1:8000

(bench/run.py --shoppers runs it against the benchmark stack and reports the figures.)
"""

import random
import re

from locust import HttpUser, between, task

CATEGORY_LINK = re.compile(r'class="category-nav"[\s\S]*?</nav>')
HREF = re.compile(r'href="(/[^"#?]+/)"')
PRODUCT_LINK = re.compile(r'class="product-card-link" href="(/[^"]+/)"')
PRODUCT_ID = re.compile(r'name="product_id" value="(\d+)"')
VARIANT_ID = re.compile(r'name="variant_id" value="(\d+)"(?! disabled)')
SEARCHES = ["pepper", "krama", "coffee", "basket", "soap", "bowl", "tea", "ម្រេច", "silk"]
CHECKOUT = {
    "email": "shopper@example.com",
    "name": "Load Test Shopper",
    "phone": "012 345 678",
    "address": "No. 1, Street 240",
    "province": "Phnom Penh",
    "delivery_method": "phnom-penh",
    "currency": "USD",
}


class Shopper(HttpUser):
    wait_time = between(5, 15)

    def on_start(self):
        self.categories = []
        self.products = []
        self.payment = None
        home = self.page("/", "home")
        menu = CATEGORY_LINK.search(home.text)
        self.categories = HREF.findall(menu.group(0)) if menu else []
        self.products = PRODUCT_LINK.findall(home.text)

    def page(self, path, name, **kwargs):
        """A page view as a browser makes it: the page, then the cart badge's request."""
        response = self.client.get(path, name=name, **kwargs)
        self.client.get("/api/cart/", name="cart badge (GET /api/cart/)")
        return response

    def csrf(self):
        if "csrftoken" not in self.client.cookies:
            self.client.get("/api/cart/", name="cart badge (GET /api/cart/)")
        return self.client.cookies.get("csrftoken", "")

    @task(5)
    def browse_category(self):
        if not self.categories:
            return
        page = self.page(random.choice(self.categories), "category")
        found = PRODUCT_LINK.findall(page.text)
        if found:
            self.products = found

    @task(6)
    def view_product(self):
        if self.products:
            self.page(random.choice(self.products), "product")

    @task(2)
    def search(self):
        self.page("/en/search/", "search", params={"q": random.choice(SEARCHES)})

    @task(3)
    def add_to_cart(self):
        if not self.products:
            return
        page = self.page(random.choice(self.products), "product")
        product = PRODUCT_ID.search(page.text)
        if not product or "Sold out" in page.text:
            return
        variant = VARIANT_ID.search(page.text)
        body = {"product_id": int(product.group(1)), "quantity": 1}
        if variant:
            body["variant_id"] = int(variant.group(1))
        with self.client.post(
            "/api/cart/add/",
            json=body,
            headers={"X-CSRFToken": self.csrf()},
            name="POST /api/cart/add/",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 409):  # 409: that item just sold out, a fair answer
                response.success()
        # (The browser sets the badge from this reply: no further request.)

    @task(1)
    def check_out(self):
        cart = self.client.get("/api/cart/", name="cart badge (GET /api/cart/)").json()
        if not cart.get("item_count"):
            return
        self.page("/en/cart/", "cart page")
        with self.client.post(
            "/api/checkout/",
            json=CHECKOUT,
            headers={"X-CSRFToken": self.csrf()},
            name="POST /api/checkout/",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 201):
                self.payment = response.json()["payment"]
            elif response.status_code == 409:
                response.success()  # stock ran out between cart and checkout

    @task(4)
    def watch_payment(self):
        if self.payment:
            self.client.get(f"/api/payments/{self.payment['md5']}/", name="payment status")
