// Small line charts in inline SVG for the monitor, drawn from /api/history's samples: no library.
'use strict';
const Charts = {
  NS: 'http://www.w3.org/2000/svg',
  W: 600, // the viewBox's width; the SVG stretches to its box, its strokes stay thin
  svg(tag, attrs) {
    const e = document.createElementNS(Charts.NS, tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    return e;
  },
  // One chart of `series` ({ name, cls, points: [[timeMillis, value or null], ...] }) over the
  // `spanSeconds` that end at `now`, scaled to the largest value; `format` labels it. A null
  // value (no measurement) breaks the line rather than drawing it to zero.
  line(series, { now, spanSeconds, format, height = 100, title }) {
    const max = Math.max(0, ...series.flatMap(s => s.points.map(p => p[1]).filter(v => v !== null)));
    const top = max > 0 ? max * 1.1 : 1;
    const start = now - spanSeconds * 1000;
    const svg = Charts.svg('svg', { viewBox: `0 0 ${Charts.W} ${height}`, preserveAspectRatio: 'none',
      role: 'img', 'aria-label': title || series.map(s => s.name).join(', ') });
    [0.5, 1].forEach(f => svg.append(Charts.svg('line', { x1: 0, x2: Charts.W, y1: height * (1 - f / 1.1),
      y2: height * (1 - f / 1.1), class: 'grid', 'vector-effect': 'non-scaling-stroke' })));
    series.forEach(s => {
      let d = '';
      let pen = 'M';
      s.points.forEach(([t, v]) => {
        if (v === null || t < start) { pen = 'M'; return; }
        const x = (t - start) / (spanSeconds * 1000) * Charts.W;
        // A zero-length step after each move: with round caps a lone sample shows as a dot.
        d += `${pen}${x.toFixed(1)} ${(height - v / top * height).toFixed(1)} ${pen === 'M' ? 'l0 0 ' : ''}`;
        pen = 'L';
      });
      if (d) svg.append(Charts.svg('path', { d, class: 'series ' + s.cls, 'vector-effect': 'non-scaling-stroke' }));
    });
    return ML.el('figure', { class: 'chart' },
      ML.el('figcaption', {}, title ? ML.el('strong', {}, title) : null, ' ',
        ...series.map(s => ML.el('span', { class: 'key ' + s.cls }, s.name)),
        ML.el('span', { class: 'muted scale' }, 'top ' + format(max))),
      svg,
      ML.el('div', { class: 'axis muted' }, ML.el('span', {}, Math.round(spanSeconds / 60) + ' min ago'),
        ML.el('span', {}, 'now')));
  },
};
