/* Programme analysis: draws the "progress by quarter" table as a line chart (Chart.js, vendored).
   The table stays on the page for screen readers, for printing and without JavaScript; the chart
   reads its figures from the rows' data attributes (shares 0–1) and its series names from the
   table's own headers, so it speaks the page's language. */
(function () {
  "use strict";

  function draw(table) {
    if (typeof window.Chart !== "function" || table.dataset.chartDrawn) {
      return;
    }
    var rows = table.querySelectorAll("tbody tr[data-label]");
    if (rows.length < 2) {
      return; // one point is no trend: the table says it all
    }
    var labels = [];
    var verified = [];
    var claimed = [];
    rows.forEach(function (row) {
      labels.push(row.dataset.label);
      verified.push(Math.round(parseFloat(row.dataset.verified) * 1000) / 10);
      claimed.push(Math.round(parseFloat(row.dataset.claimed) * 1000) / 10);
    });
    var names = table.querySelectorAll("thead th[data-series]");
    var name = {};
    names.forEach(function (th) {
      name[th.dataset.series] = th.textContent.trim();
    });
    var box = document.createElement("div");
    box.className = "programme-trend-chart mb-3";
    box.style.position = "relative";
    box.style.height = "18rem";
    var canvas = document.createElement("canvas");
    canvas.setAttribute("aria-hidden", "true"); // the table below holds the same figures
    box.appendChild(canvas);
    table.parentNode.insertBefore(box, table);
    table.dataset.chartDrawn = "1";
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          {
            label: name.verified || "verified",
            data: verified,
            borderColor: "#198754",
            backgroundColor: "rgba(25, 135, 84, 0.15)",
            fill: true,
            tension: 0.2
          },
          {
            label: name.claimed || "claimed",
            data: claimed,
            borderColor: "#6c757d",
            backgroundColor: "rgba(108, 117, 125, 0.1)",
            borderDash: [6, 4],
            fill: false,
            tension: 0.2
          }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: {
            min: 0,
            max: 100,
            ticks: {
              callback: function (value) {
                return value + " %";
              }
            }
          }
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + context.parsed.y + " %";
              }
            }
          }
        }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("table[data-trend-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  document.addEventListener("htmx:afterSettle", drawAll);
})();
