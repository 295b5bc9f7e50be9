// Case statistics charts: read their data from the json_script element written by the page (no inline scripts: CSP).
// Each chart has a table beside it with the same figures (screen readers, phones, no JavaScript).
(function () {
  function draw() {
    var source = document.getElementById("case-stats-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var charts = [];
    function make(id, option) {
      var holder = document.getElementById(id);
      if (!holder) { return; }
      var chart = echarts.init(holder, null, { renderer: "svg" });
      chart.setOption(option);
      charts.push(chart);
    }
    make("chart-month", {
      tooltip: { trigger: "axis" },
      grid: { left: 36, right: 12, top: 16, bottom: 28 },
      xAxis: { type: "category", data: data.month.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: data.month.values, itemStyle: { color: "#8e1b4a" } }]
    });
    function pie(id, rows) {
      make(id, {
        tooltip: { trigger: "item" },
        legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: ["30%", "60%"], center: ["50%", "45%"], data: rows,
                   label: { formatter: "{b}: {c}", overflow: "truncate", width: 90 } }]
      });
    }
    make("chart-type", {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.type.map(function (r) { return r.name; }) },
      series: [{ type: "bar", data: data.type.map(function (r) { return r.value; }), itemStyle: { color: "#2e7d32" } }]
    });
    pie("chart-source", data.source);
    pie("chart-outcome", data.outcome);
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
