/*
 * Charts drawn from the accessible table beside them (Chart.js, vendored; no inline script, so
 * the page's Content-Security-Policy holds). The table is the source of truth: the chart shows
 * exactly its numbers, and people using a screen reader (and the tests) read the table.
 *
 * Contract
 *   Load after Chart.js, both with `defer`:
 *     <script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>
 *     <script src="/static/js/charts.js" defer></script>
 *
 *   <div class="chart-box">                         the canvas's sized container
 *     <canvas data-chart="bar"                      bar | line (any Chart.js type works)
 *             data-chart-table="scenario-table"     id of the table with the numbers (required)
 *             data-chart-horizontal                 optional: bars run left to right
 *             data-chart-stacked                    optional: stack the series
 *             data-chart-min="0" data-chart-max="100"   optional: value axis bounds
 *             role="img" aria-label="what it shows, and that the table has the numbers">
 *     </canvas>
 *   </div>
 *   <table id="scenario-table">
 *     <thead><tr><th>Scenario</th><th data-chart-series>Pass rate %</th>
 *                <th data-chart-series="Average empathy">Empathy</th></tr></thead>
 *     <tbody><tr><th scope="row" data-chart-label="Charged twice">Charged twice <small>..</small></th>
 *                <td data-value="40">40%</td><td>2.5</td></tr></tbody>
 *   </table>
 *
 *   Series: each header cell with `data-chart-series`, named by its value or else its text; the
 *   body cells in the same column position hold its numbers. Labels: each body row's first cell,
 *   its `data-chart-label` when set, else its text. Value: a cell's `data-value` when set, else
 *   its text read as a number; blank or not a number is a gap (null), never a zero.
 *   Bodies must not use colspan/rowspan (column positions are taken as they are).
 *
 *   Axis labels longer than LABEL_CHARS end in "…" (the tooltip and the table show them whole);
 *   a value axis whose numbers are all whole shows whole ticks only.
 *
 *   Canvases that htmx swaps in later are drawn too (the `htmx:load` event).
 *   When drawn, the canvas gets `data-chart-ready="true"` (tests wait for it); a table with no
 *   rows draws nothing and marks the canvas `data-chart-ready="empty"`.
 */
(function () {
  "use strict";

  var PALETTE = ["#3c7dd9", "#e07b39", "#2e7d32", "#8e44ad", "#c62828", "#00838f", "#6d4c41"];
  var PIXELS_PER_BAR_ROW = 28; // a horizontal bar chart grows with its rows, so labels stay legible
  var MIN_HEIGHT = 220;
  var LABEL_CHARS = { narrow: 16, wide: 40 }; // axis labels beyond this end in "…" (the table has them whole)
  var NARROW = 600; // px: a canvas narrower than this gets the short labels

  function numberIn(cell) {
    if (!cell) return null;
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (raw === null || raw.trim() === "") return null;
    var value = parseFloat(raw.trim()); // "40%" reads 40; use data-value for "1,234"
    return isFinite(value) ? value : null;
  }

  function labelOf(row) {
    var cell = row.cells[0];
    if (!cell) return "";
    return (cell.getAttribute("data-chart-label") || cell.textContent).trim();
  }

  function readTable(table) {
    var headers = table.tHead ? Array.prototype.slice.call(table.tHead.rows[0].cells) : [];
    var series = headers.filter(function (th) { return th.hasAttribute("data-chart-series"); });
    var rows = [];
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) { rows.push(row); });
    });
    return {
      labels: rows.map(labelOf),
      datasets: series.map(function (th, n) {
        var colour = PALETTE[n % PALETTE.length];
        return {
          label: (th.getAttribute("data-chart-series") || th.textContent).trim(),
          data: rows.map(function (row) { return numberIn(row.cells[th.cellIndex]); }),
          backgroundColor: colour,
          borderColor: colour
        };
      })
    };
  }

  function optionalNumber(canvas, name) {
    var raw = canvas.getAttribute(name);
    return raw === null || raw === "" ? undefined : Number(raw);
  }

  function shortLabel(canvas) {
    return function (value) {
      var label = String(this.getLabelForValue(value));
      var most = canvas.clientWidth < NARROW ? LABEL_CHARS.narrow : LABEL_CHARS.wide;
      return label.length > most ? label.slice(0, most - 1) + "\u2026" : label;
    };
  }

  function draw(canvas) {
    var table = document.getElementById(canvas.getAttribute("data-chart-table"));
    if (!table || typeof window.Chart === "undefined") return;
    var data = readTable(table);
    if (!data.labels.length || !data.datasets.length) {
      canvas.setAttribute("data-chart-ready", "empty");
      return;
    }
    var horizontal = canvas.hasAttribute("data-chart-horizontal");
    var stacked = canvas.hasAttribute("data-chart-stacked");
    var valueAxis = {
      beginAtZero: true, stacked: stacked,
      min: optionalNumber(canvas, "data-chart-min"), max: optionalNumber(canvas, "data-chart-max")
    };
    var allWhole = data.datasets.every(function (set) {
      return set.data.every(function (v) { return v === null || Math.round(v) === v; });
    });
    if (allWhole) valueAxis.ticks = { precision: 0 }; // counts: no 0.5 of a person
    var labelAxis = { stacked: stacked, ticks: { autoSkip: false, callback: shortLabel(canvas) } };
    if (horizontal && canvas.parentElement) {
      var height = Math.max(MIN_HEIGHT, data.labels.length * PIXELS_PER_BAR_ROW + 80);
      canvas.parentElement.style.height = height + "px"; // CSSOM, which the CSP allows
    }
    new window.Chart(canvas, {
      type: canvas.getAttribute("data-chart") || "bar",
      data: data,
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false, // drawn at once: nothing moves for people who prefer less motion
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: { legend: { display: data.datasets.length > 1 } }
      }
    });
    canvas.setAttribute("data-chart-ready", "true");
  }

  function drawAll(root) {
    var canvases = (root || document).querySelectorAll("canvas[data-chart-table]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      if (!canvas.hasAttribute("data-chart-ready")) draw(canvas); // each canvas once
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    drawAll();
  }
  // Content htmx swaps in later (the team page fetches its charts once it has shown).
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
