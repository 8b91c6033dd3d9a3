/* The statistics page's charts, drawn with Chart.js (from the npm registry, served like Bootstrap).
   Each <canvas data-statistics-chart="ID"> names the JSON block (Django's json_script) that holds
   its labels and figures; the same numbers are in the table beside it. No inline script, so the
   Content-Security-Policy stays strict. */
(function () {
  "use strict";

  // Okabe–Ito: told apart with every kind of colour vision.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"];
  var ROW_HEIGHT = 26; // px per label of a chart across
  var BAR_HEIGHT = 14; // px per bar when a label has several (one per dataset)

  function reducedMotion() {
    return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  }

  function height(data) {
    if (data.type !== "horizontal") {
      return 260;
    }
    var perLabel = Math.max(ROW_HEIGHT, data.datasets.length * BAR_HEIGHT);
    return Math.max(160, data.labels.length * perLabel + 70);
  }

  function config(data) {
    var across = data.type === "horizontal";
    var valueAxis = across ? "x" : "y";
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, ticks: data.integer ? { precision: 0 } : {} };
    return {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (dataset, i) {
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: PALETTE[i % PALETTE.length],
            borderWidth: 0,
            maxBarThickness: 40,
          };
        }),
      },
      options: {
        indexAxis: across ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion() ? false : { duration: 400 },
        plugins: { legend: { display: data.datasets.length > 1, position: "bottom" } },
        scales: scales,
      },
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.statisticsChart);
    if (!source || typeof window.Chart === "undefined") {
      return; // the table beside it holds the numbers
    }
    var data = JSON.parse(source.textContent);
    // The chart fills its box; the box is as tall as its bars need (a style set from script is
    // not an inline style attribute: the policy allows it).
    canvas.parentElement.style.height = height(data) + "px";
    new window.Chart(canvas, config(data));
  }

  function start() {
    document.querySelectorAll("canvas[data-statistics-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
