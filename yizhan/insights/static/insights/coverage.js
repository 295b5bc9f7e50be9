// Coverage chart: reads its data from the json_script element written by the page (no inline scripts: CSP).
(function () {
  function draw() {
    var holder = document.getElementById("coverage-chart");
    var source = document.getElementById("coverage-data");
    if (!holder || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var colors = { operating: "#2e7d32", building: "#f9a825", planned: "#1e88e5", targeted: "#90caf9", none: "#bdbdbd" };
    var chart = echarts.init(holder, null, { renderer: "svg" });
    window.addEventListener("resize", function () { chart.resize(); });
    if (data.kind === "shares") {  // one town: the shares of its villages, not one giant bar
      chart.setOption({
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { top: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], top: 40, label: { formatter: "{b}\n{c}" },
                   data: data.series.filter(function (s) { return s.data[0] > 0; }).map(function (s) {
                     return { name: s.name, value: s.data[0], itemStyle: { color: colors[s.key] } };
                   }) }]
      });
      return;
    }
    var series = data.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "villages", data: s.data, itemStyle: { color: colors[s.key] },
               emphasis: { focus: "series" } };
    });
    series.push({ name: data.rate.name, type: "line", yAxisIndex: 1, data: data.rate.data, itemStyle: { color: "#c2185b" } });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 50, top: 40, bottom: 40 },
      xAxis: { type: "category", data: data.categories },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
      series: series
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
