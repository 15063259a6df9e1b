/* The admin dashboard's 30-day chart, drawn with the vendored Chart.js from data in the page.
   Its words come from the canvas's data attributes, translated by the template; Khmer ones
   are drawn with the shop's Khmer font (declared by static/css/admin.css). */
(function () {
    "use strict";
    var canvas = document.getElementById("shop-revenue-chart");
    var source = document.getElementById("shop-chart-data");
    if (!canvas || !source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var text = canvas.dataset;
    var KHMER_FONT = '"Noto Sans Khmer"';

    function draw() {
        // The only chart on the admin's pages: its default font gets Khmer in front.
        window.Chart.defaults.font.family = KHMER_FONT + ", " + window.Chart.defaults.font.family;
        new window.Chart(canvas, {
            data: {
                labels: data.labels,
                datasets: [
                    { type: "bar", label: text.revenueLabel || "Revenue (USD)", data: data.revenue, backgroundColor: "#1d3557", yAxisID: "revenue" },
                    { type: "line", label: text.ordersLabel || "Paid orders", data: data.orders, borderColor: "#e76f51", backgroundColor: "#e76f51", yAxisID: "orders", tension: 0.3 }
                ]
            },
            options: {
                maintainAspectRatio: false,
                animation: false,
                scales: {
                    revenue: { position: "left", beginAtZero: true, title: { display: true, text: text.revenueAxis || "USD" } },
                    orders: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: text.ordersAxis || "Orders" } }
                }
            }
        });
    }

    // A canvas does not wait for web fonts: load the Khmer one first when the words need it.
    var words = [text.revenueLabel, text.ordersLabel, text.revenueAxis, text.ordersAxis].concat(data.labels).join(" ");
    if (document.fonts && /[\u1780-\u17ff\u19e0-\u19ff]/.test(words)) {
        document.fonts.load("12px " + KHMER_FONT, words).then(draw, draw);
    } else {
        draw();
    }
})();
