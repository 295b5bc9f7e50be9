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
    var plugins = select.multiple ? { remove_button: { title: texts.remove, label: "×" } } : {};
    var settings = {
      plugins: plugins,
      maxOptions: null,
      allowEmptyOption: true,
      placeholder: texts.placeholder,
      render: {
        no_results: function (data, escape) { return '<div class="no-results">' + escape(texts.noResults) + "</div>"; },
        loading: function (data, escape) { return '<div class="spinner">' + escape(texts.loading || "") + "</div>"; },
        loading_more: function (data, escape) { return '<div class="loading-more-results">' + escape(texts.more || "") + "</div>"; },
        no_more_results: function () { return ""; }
      }
    };
    if (texts.source) { yizhanRemote(settings, texts.source); }
    var control = new window.TomSelect(select, settings);
    // tom-select points a <label for> at its search box; the native select (still read by assistive technology)
    // keeps the label's text as its name
    if (!select.closest("label") && !select.hasAttribute("aria-label")) {
      var label = document.querySelector('label[for="' + control.control_input.id + '"]');
      if (label) { select.setAttribute("aria-label", label.textContent.trim()); }
    }
    if (texts.source) {
      // the page's options are replaced as the user searches: never point assistive technology at a removed one
      var forget = function () {
        var input = control.control_input, id = input.getAttribute("aria-activedescendant");
        if (id && !document.getElementById(id)) { input.removeAttribute("aria-activedescendant"); }
      };
      control.on("dropdown_close", forget);
      control.on("item_add", function () { window.setTimeout(forget, 0); });
    }
  });
}
// A remote picker (core/pickers.py): options come a page at a time from data-source as the user types (tom-select
// waits 300 ms after the last key), the first page when the box gets the focus, the next ones on scrolling.
function yizhanRemote(settings, source) {
  settings.plugins.virtual_scroll = {};
  settings.valueField = "value";
  settings.labelField = "text";
  settings.searchField = [];
  settings.preload = "focus";
  settings.maxOptions = 200;
  settings.shouldLoad = function () { return true; };
  // the server has searched: show what it sent, and the empty choice only while nothing is typed
  settings.score = function (query) { return function (item) { return query && item.value === "" ? 0 : 1; }; };
  settings.firstUrl = function (query) {
    return source + "?q=" + encodeURIComponent(query) + "&page=1";
  };
  settings.load = function (query, callback) {
    var self = this;
    var url = self.getUrl(query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (json) {
        if (json.more) {
          self.setNextUrl(query, source + "?q=" + encodeURIComponent(query) + "&page=" + (json.page + 1));
        }
        callback(json.results || []);
      })
      .catch(function () { callback(); });
  };
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
