// infracast pages: draw the charts the server sent as JSON, and make tables sort, filter
// and export to CSV (what the table shows, so a scoped user exports only its rows).
"use strict";

function drawCharts() {
  const charts = document.querySelectorAll(".chart[data-figure]");
  const config = { displaylogo: false, responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  charts.forEach((el) => {
    const spec = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    Plotly.newPlot(el, spec.data, spec.layout, config).then(() => {
      el.dataset.rendered = "true";
      if (document.querySelectorAll(".chart[data-figure]:not([data-rendered])").length === 0) {
        document.body.dataset.chartsRendered = "true";
        window.dispatchEvent(new Event("infracast:charts-rendered"));
      }
    });
  });
  if (charts.length === 0) document.body.dataset.chartsRendered = "true";
}

function cellValue(td) {
  return td.dataset.value !== undefined ? td.dataset.value : td.textContent.trim();
}

function sortTable(th) {
  const table = th.closest("table");
  const index = Array.from(th.parentNode.children).indexOf(th);
  const numeric = th.dataset.kind === "num";
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
    const c = numeric ? (parseFloat(x || "NaN") || 0) - (parseFloat(y || "NaN") || 0)
                      : x.localeCompare(y);
    return ascending ? c : -c;
  });
  rows.forEach((r) => body.appendChild(r));
}

function filterTable(input) {
  const needle = input.value.toLowerCase();
  const table = document.getElementById(input.dataset.table);
  Array.from(table.tBodies[0].rows).forEach((row) => {
    row.hidden = needle !== "" && !row.textContent.toLowerCase().includes(needle);
  });
}

function csvCell(text) {
  return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function exportTable(button) {
  const table = document.getElementById(button.dataset.table);
  const lines = [Array.from(table.tHead.rows[0].cells).map((c) => csvCell(c.textContent.trim()))];
  Array.from(table.tBodies[0].rows).filter((r) => !r.hidden).forEach((row) => {
    lines.push(Array.from(row.cells).map((c) => csvCell(cellValue(c))));
  });
  const blob = new Blob([lines.map((l) => l.join(",")).join("\n") + "\n"], { type: "text/csv" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = button.dataset.file;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

document.addEventListener("DOMContentLoaded", () => {
  if (window.Plotly) drawCharts();
  document.querySelectorAll("table.data th").forEach((th) =>
    th.addEventListener("click", () => sortTable(th)));
  document.querySelectorAll("input.table-filter").forEach((input) =>
    input.addEventListener("input", () => filterTable(input)));
  document.querySelectorAll("button.csv").forEach((b) =>
    b.addEventListener("click", () => exportTable(b)));
});
