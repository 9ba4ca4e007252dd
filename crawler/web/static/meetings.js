// provwatch serve, the Meetings view: counts per period as stacked bars, one colour per
// host or guest kind; periods are categories (2026-11, 2026-W47), never parsed as dates.
// Data: {series: [{name, x: [periods], y: [counts]}], y_title}. Registered before
// app.js draws the page's charts (both scripts are deferred, this one first).
"use strict";
window.provwatch = window.provwatch || {};
provwatch.charts = provwatch.charts || {};

provwatch.charts["stacked-bars"] = function (el, d) {
  const traces = d.series.map(function (s) {
    return { type: "bar", name: s.name, x: s.x, y: s.y,
             hovertemplate: "%{x} · " + "%{y} meeting(s)<extra>%{fullData.name}</extra>" };
  });
  const layout = { font: provwatch.font || {}, barmode: "stack", height: 240,
                   margin: { l: 45, r: 10, t: 6, b: 30 },
                   xaxis: { type: "category" },
                   yaxis: { title: { text: d.y_title || "meetings" }, rangemode: "tozero" },
                   legend: { orientation: "h", y: -0.2 }, showlegend: true };
  Plotly.newPlot(el, traces, layout, provwatch.plotConfig).then(function () {
    el.dataset.ready = "1";
  });
};
