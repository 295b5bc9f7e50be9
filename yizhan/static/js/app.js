// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});

// Searchable selects (core/widgets.py): tom-select, served locally. Pages swapped in by htmx get theirs too.
function yizhanSearchable(root) {
  if (!window.TomSelect || !root.querySelectorAll) { return; }
  root.querySelectorAll("select[data-searchable]").forEach(function (select) {
    if (select.tomselect) { return; }
    var texts = select.dataset;
    new window.TomSelect(select, {
      plugins: select.multiple ? { remove_button: { title: texts.remove, label: "×" } } : [],
      maxOptions: null,
      allowEmptyOption: true,
      placeholder: texts.placeholder,
      render: {
        no_results: function (data, escape) { return '<div class="no-results">' + escape(texts.noResults) + "</div>"; }
      }
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { yizhanSearchable(document); });
document.addEventListener("htmx:afterSettle", function (event) { yizhanSearchable(event.target); });

// Tables marked class="stack" become one card per row on phones (app.css): each cell is labelled with its column's
// header. Without JavaScript the table keeps its columns and scrolls inside its frame.
function yizhanStack(root) {
  if (!root.querySelectorAll) { return; }
  root.querySelectorAll("table.stack").forEach(function (table) {
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (headers[i] && !cell.hasAttribute("colspan")) { cell.setAttribute("data-label", headers[i]); }
      });
    });
    table.classList.add("stacked");
  });
}
document.addEventListener("DOMContentLoaded", function () { yizhanStack(document); });
document.addEventListener("htmx:afterSettle", function (event) { yizhanStack(event.target); });
