// provwatch serve: draws the charts whose data a page carries as JSON, with plotly.js.
// A chart is <div data-chart="KIND" data-source="ID">, its data in
// <script type="application/json" id="ID">; KIND names a renderer in provwatch.charts
// (a view's own script may add one). No page runs inline script.
"use strict";
window.provwatch = window.provwatch || {};
provwatch.charts = provwatch.charts || {};
provwatch.font = { family: 'system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif', size: 13 };
provwatch.plotConfig = { displaylogo: false, responsive: true,
                         modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"] };

// province x sector counts; a click on a cell opens the stories behind it
provwatch.charts.heatmap = function (el, d) {
  const trace = {
    type: "heatmap", x: d.x_names, y: d.y_names, z: d.z, customdata: d.hover,
    colorscale: d.diverging ? "RdBu" : "YlOrRd", reversescale: !d.diverging,
    zmid: d.diverging ? 0 : undefined, xgap: 2, ygap: 2,
    texttemplate: "%{z}", hovertemplate: "%{y} · %{x}<br>%{customdata}<extra></extra>",
    colorbar: { title: { text: d.scale_title || "stories" }, tickformat: "d",
                dtick: Math.max(1, Math.ceil(Math.max(1, ...d.z.flat().map(Math.abs)) / 6)) },
  };
  const layout = { font: provwatch.font, margin: { l: 10, r: 10, t: 10, b: 10 },
                   height: Math.max(320, 40 + 34 * d.y_names.length + 170),
                   xaxis: { side: "bottom", tickangle: -35, automargin: true },
                   yaxis: { autorange: "reversed", automargin: true } };
  Plotly.newPlot(el, [trace], layout, provwatch.plotConfig).then(function () {
    el.on("plotly_click", function (event) {
      const p = event.points && event.points[0];
      if (!p) return;
      const link = d.links[p.pointIndex[0]][p.pointIndex[1]];
      if (link) window.location.assign(link);
    });
    el.dataset.ready = "1";
  });
};

// series over time: {series: [{name, x: [days], y: [counts]}]}
provwatch.charts.lines = function (el, d) {
  const traces = d.series.map(function (s) {
    return { type: "scatter", mode: "lines+markers", name: s.name, x: s.x, y: s.y };
  });
  const layout = { font: provwatch.font, margin: { l: 50, r: 20, t: 10, b: 50 }, height: 340,
                   yaxis: { title: { text: d.y_title || "stories" }, rangemode: "tozero" },
                   legend: { orientation: "h" } };
  Plotly.newPlot(el, traces, layout, provwatch.plotConfig).then(function () {
    el.dataset.ready = "1";
  });
};

// bars: {x: [names], y: [counts]}
provwatch.charts.bars = function (el, d) {
  const layout = { font: provwatch.font, margin: { l: 50, r: 20, t: 10, b: 110 }, height: 320,
                   yaxis: { title: { text: d.y_title || "stories" }, rangemode: "tozero" } };
  Plotly.newPlot(el, [{ type: "bar", x: d.x, y: d.y }], layout, provwatch.plotConfig)
    .then(function () { el.dataset.ready = "1"; });
};

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const draw = provwatch.charts[el.dataset.chart];
    const source = document.getElementById(el.dataset.source);
    if (!draw || !source) throw new Error("no renderer or data for chart " + el.id);
    draw(el, JSON.parse(source.textContent));
  });
});
