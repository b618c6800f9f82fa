// The report page's own script: draws the charts that html-charts.ts computed, with uPlot.
// It computes no figures of its own (only pixels), so the numbers stay tested in TypeScript.
// Plain ES5-style JavaScript kept in a string: it runs in the browser, not in Node.
//
//   <script type="application/json" id="gauntlet-charts"> ─► JSON.parse ─► one uPlot per chart
//                                                             + fault phases shaded behind the data

export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var source = document.getElementById('gauntlet-charts');
  if (!source || typeof uPlot === 'undefined') return;
  var spec = JSON.parse(source.textContent);
  var HEIGHT = 300;
  var plots = [];

  function format(value, s) {
    if (value === null || value === undefined || !isFinite(value)) return '–';
    return s.prefix + value.toLocaleString('en-US', { minimumFractionDigits: s.digits, maximumFractionDigits: s.digits }) + s.suffix;
  }

  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + ((n >> 16) & 255) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }

  // As many decimals as the tick step has (2.5 -> 1), so no two ticks read the same.
  function stepDigits(incr) {
    var digits = 0;
    while (digits < 6 && Math.abs(Math.round(incr * Math.pow(10, digits)) - incr * Math.pow(10, digits)) > 1e-6 * Math.pow(10, digits)) digits++;
    return digits;
  }

  function axisValues(prefix) {
    return function (u, splits, axisIdx, space, incr) {
      var digits = incr > 0 ? stepDigits(incr) : 0;
      return splits.map(function (v) {
        return v === null ? '' : prefix + v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
      });
    };
  }

  // Tick steps for axes of counts: never a fractional request or user.
  var INTEGER_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1e3, 2e3, 2.5e3, 5e3, 1e4, 2e4, 2.5e4, 5e4, 1e5, 2e5, 2.5e5, 5e5, 1e6, 2e6, 5e6, 1e7];

  // At least a common width, so the time axes of all charts line up; wider when the longest
  // tick label needs it ($0.00015 needs more room than 800).
  function axisSize(minimum) {
    return function (u, values) {
      var longest = 0;
      (values || []).forEach(function (v) { if (v && String(v).length > longest) longest = String(v).length; });
      return Math.max(minimum, 16 + longest * 7.5);
    };
  }

  function zeroBased(u, min, max) {
    return [0, max > 0 ? max * 1.08 : 1];
  }

  // Phase windows: a light tint behind the data for fault phases (none for calm ones), dashed
  // edges over the data, and a coloured strip with the phase's name in the padding above the
  // plot, so they stay visible on filled and stacked areas and never hide a line.
  var PHASE_STRIP = 22;
  function phasePlugin(phases) {
    function span(u, phase) {
      var left = u.bbox.left;
      var right = left + u.bbox.width;
      var x0 = Math.max(left, u.valToPos(phase.from, 'x', true));
      var x1 = Math.min(right, u.valToPos(phase.to, 'x', true));
      return x1 > x0 ? [x0, x1] : null;
    }
    return {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx;
          ctx.save();
          phases.forEach(function (phase) {
            var s = span(u, phase);
            if (!s || phase.calm) return;
            ctx.fillStyle = rgba(phase.color, 0.1);
            ctx.fillRect(s[0], u.bbox.top, s[1] - s[0], u.bbox.height);
          });
          ctx.restore();
        }],
        draw: [function (u) {
          var ctx = u.ctx;
          var px = uPlot.pxRatio || 1;
          ctx.save();
          ctx.font = Math.round(11 * px) + 'px system-ui, sans-serif';
          ctx.textBaseline = 'middle';
          ctx.textAlign = 'left';
          phases.forEach(function (phase) {
            var s = span(u, phase);
            if (!s) return;
            var top = u.bbox.top;
            var strip = top - PHASE_STRIP * px;
            ctx.fillStyle = rgba(phase.color, phase.calm ? 0.18 : 0.3);
            ctx.fillRect(s[0], strip, s[1] - s[0], (PHASE_STRIP - 4) * px);
            ctx.fillStyle = rgba(phase.color, 0.95);
            ctx.fillRect(s[0], top - 4 * px, s[1] - s[0], 3 * px);
            ctx.strokeStyle = rgba(phase.color, 0.9);
            ctx.lineWidth = px;
            ctx.setLineDash([4 * px, 3 * px]);
            ctx.beginPath();
            ctx.moveTo(s[0], top);
            ctx.lineTo(s[0], top + u.bbox.height);
            ctx.moveTo(s[1], top);
            ctx.lineTo(s[1], top + u.bbox.height);
            ctx.stroke();
            var name = phase.name;
            var room = s[1] - s[0] - 8 * px;
            // Shorten a name that does not fit its window; drop it when even one letter would not.
            while (name.length > 1 && ctx.measureText(name).width > room) name = name.slice(0, -2) + '…';
            if (ctx.measureText(name).width <= room) {
              ctx.fillStyle = '#1d232a';
              ctx.fillText(name, s[0] + 4 * px, strip + ((PHASE_STRIP - 4) / 2) * px);
            }
          });
          ctx.restore();
        }]
      }
    };
  }

  function xText(chart, v) {
    if (v === null || v === undefined) return '';
    if (chart.kind === 'percentile') {
      for (var i = 0; i < chart.xTicks.length; i++) if (chart.xTicks[i].at === v) return chart.xTicks[i].label;
      return String(v);
    }
    return v.toLocaleString('en-US', { minimumFractionDigits: spec.timeUnit === 'min' ? 1 : 0, maximumFractionDigits: spec.timeUnit === 'min' ? 1 : 0 }) + ' ' + spec.timeUnit;
  }

  function options(chart, width) {
    var isTime = chart.kind === 'time';
    var series = [{ label: isTime ? 'time' : 'percentile', value: function (u, v) { return xText(chart, v); } }];
    var bands = [];
    var hasRight = false;
    chart.series.forEach(function (s, i) {
      var entry = {
        label: s.label,
        stroke: s.color,
        width: chart.stacked ? 1 : 2,
        scale: s.axis === 'right' ? 'y2' : 'y',
        spanGaps: false,
        points: { show: s.points, size: 7, fill: s.color, stroke: s.color },
        // Values show while the pointer is over the chart; blank otherwise rather than a row of dashes.
        value: function (u, v, si, di) {
          if (di === null || di === undefined) return '';
          return format(s.raw ? s.raw[di] : v, s);
        }
      };
      if (s.axis === 'right') hasRight = true;
      if (s.dash) entry.dash = [6, 4];
      if (s.fill) entry.fill = rgba(s.color, chart.stacked ? 0.8 : 0.15);
      if (chart.stepped) entry.paths = uPlot.paths.stepped({ align: 1 });
      series.push(entry);
      // Stacked: each layer fills down to the layer below it, not to zero.
      if (chart.stacked && i > 0) bands.push({ series: [i + 1, i] });
    });
    var grid = { stroke: '#e9edf0', width: 1 };
    var xAxis = { label: chart.xLabel, stroke: '#3a434b', grid: grid, ticks: { stroke: '#c9d0d5' } };
    if (!isTime) {
      xAxis.splits = function () { return chart.xTicks.map(function (t) { return t.at; }); };
      // Log axes hide ticks between powers of ten by default; every percentile keeps its label.
      xAxis.filter = function (u, splits) { return splits; };
      xAxis.values = function (u, splits) { return splits.map(function (v) { return xText(chart, v); }); };
    }
    var left = chart.series.filter(function (s) { return s.axis === 'left'; })[0];
    var axes = [
      xAxis,
      { label: chart.leftLabel, stroke: '#3a434b', grid: grid, ticks: { stroke: '#c9d0d5' }, size: axisSize(70), values: axisValues(left ? left.prefix : '') }
    ];
    if (chart.leftIntegers) axes[1].incrs = INTEGER_STEPS;
    var scales = { x: isTime ? { time: false } : { time: false, distr: 3, log: 10, range: [0.7, 14000] }, y: { range: zeroBased } };
    if (hasRight) {
      scales.y2 = { range: zeroBased };
      axes.push({ scale: 'y2', side: 1, label: chart.rightLabel, stroke: '#3a434b', grid: { show: false }, ticks: { stroke: '#c9d0d5' }, size: axisSize(60), values: axisValues('') });
      if (chart.rightIntegers) axes[2].incrs = INTEGER_STEPS;
    } else if (isTime) {
      // An empty right axis of the same width, so every time chart's x axis lines up.
      axes.push({ scale: 'y', side: 1, label: ' ', grid: { show: false }, ticks: { show: false }, size: 60, values: function (u, splits) { return splits.map(function () { return ''; }); } });
    }
    var phased = isTime && spec.phases.length > 0;
    var opts = {
      width: width,
      height: HEIGHT,
      series: series,
      axes: axes,
      scales: scales,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      padding: [phased ? PHASE_STRIP + 6 : 12, null, null, null]
    };
    if (bands.length > 0) opts.bands = bands;
    if (phased) opts.plugins = [phasePlugin(spec.phases)];
    return opts;
  }

  function widthOf(el) {
    return Math.max(320, el.clientWidth || 900);
  }

  spec.charts.forEach(function (chart) {
    var el = document.getElementById('chart-' + chart.id);
    if (!el) return;
    el.textContent = '';
    var rows = [chart.x].concat(chart.series.map(function (s) { return s.values; }));
    var plot = new uPlot(options(chart, widthOf(el)), rows, el);
    plots.push({ plot: plot, el: el });
  });

  function resize(width) {
    plots.forEach(function (p) { p.plot.setSize({ width: width || widthOf(p.el), height: HEIGHT }); });
  }
  var timer = null;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { resize(); }, 100);
  });
  // A4 portrait leaves about 680 CSS pixels: redraw to fit, then back.
  window.addEventListener('beforeprint', function () { resize(680); });
  window.addEventListener('afterprint', function () { resize(); });
  document.documentElement.setAttribute('data-charts', String(plots.length));
})();
`
