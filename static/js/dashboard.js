/* The admin dashboard's 30-day chart, drawn with the vendored Chart.js from data in the page. */
(function () {
    "use strict";
    var canvas = document.getElementById("shop-revenue-chart");
    var source = document.getElementById("shop-chart-data");
    if (!canvas || !source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
        data: {
            labels: data.labels,
            datasets: [
                { type: "bar", label: "Revenue (USD)", data: data.revenue, backgroundColor: "#1d3557", yAxisID: "revenue" },
                { type: "line", label: "Paid orders", data: data.orders, borderColor: "#e76f51", backgroundColor: "#e76f51", yAxisID: "orders", tension: 0.3 }
            ]
        },
        options: {
            maintainAspectRatio: false,
            animation: false,
            scales: {
                revenue: { position: "left", beginAtZero: true, title: { display: true, text: "USD" } },
                orders: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: "Orders" } }
            }
        }
    });
})();
