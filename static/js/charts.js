// Draws every server-built Plotly figure on the page (see cmo_portal/templatetags/charts.py).
(function () {
  "use strict";
  function draw(element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source || element.dataset.drawn) return;
    var figure = JSON.parse(source.textContent);
    element.dataset.drawn = "1";
    Plotly.newPlot(element, figure.data, figure.layout, figure.config).then(function () {
      element.dispatchEvent(new CustomEvent("chart:drawn", { bubbles: true }));
    });
    // Points that carry a URL in customdata link through to the records behind them.
    element.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      var url = point && point.customdata && (Array.isArray(point.customdata) ? point.customdata[0] : point.customdata);
      if (typeof url === "string" && url.charAt(0) === "/") window.location.href = url;
    });
  }
  function drawAll(root) {
    (root || document).querySelectorAll(".plotly-figure[data-figure]").forEach(draw);
  }
  document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".plotly-figure[data-drawn]").forEach(function (el) { Plotly.Plots.resize(el); });
  });
})();
