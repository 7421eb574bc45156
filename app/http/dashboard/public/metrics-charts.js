// The app page's metrics charts: uPlot (served from /assets/vendor) draws metrics.json with labelled
// axes and a legend of values. Each chart records the axis labels and tick values uPlot drew in
// data-* attributes, so tests (and assistive tech through the figure's caption) can read them.
(function () {
  'use strict';
  var root = document.querySelector('[data-metrics]');
  if (!root || typeof window.uPlot !== 'function' || !window.fetch) return;
  var COLORS = ['#1f5fbf', '#157a3c', '#a15c00', '#7a3cb4', '#b42318', '#0e7c86'];
  var CLASS_COLORS = { s2xx: '#157a3c', s3xx: '#1f5fbf', s4xx: '#a15c00', s5xx: '#b42318' };

  // Memory is charted in MiB (ticks at round MiB values); under 10 MiB with a decimal.
  function mib(v) { return v == null ? '—' : (v < 10 && v !== 0 ? v.toFixed(1) : Math.round(v)) + ' MiB'; }
  function inMib(values) { return values.map(function (v) { return v == null ? null : v / 1048576; }); }
  function fixed(unit, digits) { return function (v) { return v == null ? '—' : v.toFixed(digits) + unit; }; }
  // Fewer decimals as values grow, so tick labels fit the axis.
  function perSecond(v) { return v == null ? '—' : (v === 0 ? '0' : v >= 100 ? Math.round(v) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) + '/s'; }

  function draw(box, h, spec) {
    var width = Math.max(280, Math.floor(box.getBoundingClientRect().width) || 320);
    var ticks = { x: [], y: [] };
    var axisValues = function (which, fmt) {
      return function (u, splits) {
        var out = splits.map(function (v) { return v == null ? '' : fmt(v); });
        ticks[which] = out;
        return out;
      };
    };
    var series = [{ label: 'Time' }].concat(spec.series.map(function (s) {
      var o = { label: s.label, stroke: s.color, width: 1.5, spanGaps: false, value: function (u, v) { return spec.fmt(v); } };
      if (s.dash) o.dash = [6, 4];
      if (s.bars && uPlot.paths && uPlot.paths.bars) { o.paths = uPlot.paths.bars({ size: [0.8, 12] }); o.fill = s.color; }
      return o;
    }));
    var opts = {
      width: width,
      height: 190,
      series: series,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max || 0, spec.minMax)]; } } },
      axes: [
        { label: 'Time (' + h.range + ')', values: axisValuesTime(ticks) },
        { label: spec.axis, size: 76, values: axisValues('y', spec.fmt), incrs: spec.incrs },
      ],
      legend: { live: true },
      // uPlot draws after the constructor returns: what it drew is recorded once it has.
      hooks: {
        draw: [function (u) {
          box.setAttribute('data-x-label', opts.axes[0].label);
          box.setAttribute('data-y-label', spec.axis);
          box.setAttribute('data-x-ticks', ticks.x.join('|'));
          box.setAttribute('data-y-ticks', ticks.y.join('|'));
          box.setAttribute('data-y-max', String(u.scales.y.max));
          box.setAttribute('data-drawn', String(h.t.length));
        }],
      },
    };
    return new uPlot(opts, [h.t].concat(spec.series.map(function (s) { return s.values; })), box);
  }

  // Tick labels of the time axis, as uPlot's own default format would give them, recorded too.
  function axisValuesTime(ticks) {
    return function (u, splits) {
      var span = (splits[splits.length - 1] - splits[0]) || 0;
      var out = splits.map(function (s) {
        var d = new Date(s * 1000);
        var hm = String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
        return span > 86400 ? (d.getMonth() + 1) + '/' + d.getDate() + ' ' + hm : hm;
      });
      ticks.x = out;
      return out;
    };
  }

  function specs(h) {
    var perProcess = function (key) {
      return h.processes.map(function (p, i) { return { label: p.process, color: COLORS[i % COLORS.length], values: p[key] }; });
    };
    var memory = perProcess('memory').map(function (s) { s.values = inMib(s.values); return s; });
    h.processes.forEach(function (p, i) {
      if (p.memoryLimit != null) memory.push({ label: p.process + ' limit', color: COLORS[i % COLORS.length], dash: true, values: h.t.map(function () { return p.memoryLimit / 1048576; }) });
    });
    var rate = function (key) { return h.requests[key].map(function (n) { return n / h.step; }); };
    return {
      cpu: { axis: 'CPU (% of one CPU)', fmt: fixed('%', 1), minMax: 1, series: perProcess('cpu') },
      memory: { axis: 'Memory (MiB)', fmt: mib, minMax: 1, series: memory },
      requests: {
        axis: 'Requests/s', fmt: perSecond, minMax: 0.1,
        series: ['s2xx', 's3xx', 's4xx', 's5xx'].map(function (k) { return { label: k.slice(1), color: CLASS_COLORS[k], values: rate(k) }; }),
      },
      latency: {
        axis: 'Latency (ms)', fmt: fixed(' ms', 1), minMax: 1,
        series: [{ label: 'p50', color: COLORS[0], values: h.requests.p50 }, { label: 'p95', color: COLORS[4], values: h.requests.p95 }],
      },
      restarts: {
        axis: 'Restarts', fmt: fixed('', 0), minMax: 1, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
        series: h.processes.map(function (p, i) { return { label: p.process, color: COLORS[i % COLORS.length], bars: true, values: p.restarts }; }),
      },
    };
  }

  fetch(root.getAttribute('data-metrics'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
    .then(function (r) { if (!r.ok) throw new Error('metrics: ' + r.status); return r.json(); })
    .then(function (h) {
      var all = specs(h);
      Array.prototype.forEach.call(root.querySelectorAll('[data-chart]'), function (box) {
        var spec = all[box.getAttribute('data-chart')];
        if (spec && spec.series.length) draw(box, h, spec);
        else box.setAttribute('data-empty', '');
      });
      // After uPlot's first draws (each chart records its own in its draw hook).
      requestAnimationFrame(function () { root.setAttribute('data-charts-drawn', ''); });
    })
    .catch(function (e) { root.setAttribute('data-charts-failed', String(e && e.message)); });
})();
