// A small SVG line chart of the rate over time: observed against configured.
const NS = 'http://www.w3.org/2000/svg';
const W = 640;
const H = 180;
const PAD = { left: 48, right: 12, top: 12, bottom: 24 };

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

/** Keeps the last `windowSeconds` of samples {t (ms), observed, configured} and redraws on add. */
export function rateChart(windowSeconds = 300) {
  const samples = [];
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': 'Rate over time' });
  const title = svg('title', {});
  root.append(title);
  const grid = svg('g', { class: 'grid' });
  const configured = svg('polyline', { class: 'line configured', fill: 'none' });
  const observed = svg('polyline', { class: 'line observed', fill: 'none' });
  root.append(grid, configured, observed);

  const draw = () => {
    grid.replaceChildren();
    const now = samples.length ? samples[samples.length - 1].t : Date.now();
    // The axis grows with the samples, from one minute up to the whole window.
    const span = Math.min(windowSeconds, Math.max(60, Math.ceil((now - (samples.length ? samples[0].t : now)) / 60000) * 60));
    const from = now - span * 1000;
    const max = niceMax(Math.max(1, ...samples.map((s) => Math.max(s.observed || 0, s.configured || 0))));
    const x = (t) => PAD.left + ((t - from) / (span * 1000)) * (W - PAD.left - PAD.right);
    const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
    for (let i = 0; i <= 4; i++) {
      const v = (max / 4) * i;
      grid.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }));
      const label = svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' });
      label.textContent = v >= 1000 ? `${v / 1000}k` : String(Math.round(v * 10) / 10);
      grid.append(label);
    }
    const step = span <= 60 ? 10 : 60;
    for (let s = 0; s <= span; s += step) {
      const label = svg('text', { x: x(now - s * 1000), y: H - 6, 'text-anchor': s === span ? 'start' : 'middle' });
      label.textContent = s === 0 ? 'now' : step === 60 ? `-${s / 60} min` : `-${s} s`;
      grid.append(label);
    }
    const points = (key) => samples.filter((s) => s[key] !== null && s[key] !== undefined)
      .map((s) => `${x(s.t).toFixed(1)},${y(s[key]).toFixed(1)}`).join(' ');
    observed.setAttribute('points', points('observed'));
    configured.setAttribute('points', points('configured'));
    const last = samples[samples.length - 1];
    title.textContent = last ? `Observed ${last.observed ?? 0} a second, configured ${last.configured || 'unlimited'}` : 'No samples yet';
  };

  const add = (t, obs, conf) => {
    samples.push({ t, observed: obs, configured: conf });
    while (samples.length && samples[0].t < t - windowSeconds * 1000) samples.shift();
    draw();
  };
  draw();
  return { el: root, add };
}

function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/**
 * Bars of a count per hour (unique clicks), labelled with the hour, and the click-through so far in the title:
 * redrawn with the funnel's hours ({hour, clicked}) and the number of messages sent.
 */
export function hourlyBars(label) {
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart hourly', role: 'img', 'aria-label': label });
  const title = svg('title', {});
  const grid = svg('g', { class: 'grid' });
  const bars = svg('g', { class: 'bars' });
  root.append(title, grid, bars);
  const draw = (hours, sent) => {
    grid.replaceChildren();
    bars.replaceChildren();
    const shown = hours.slice(-48);
    const max = niceMax(Math.max(1, ...shown.map((x) => x.clicked)));
    const y = (v) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
    for (let i = 0; i <= 4; i++) {
      const v = (max / 4) * i;
      grid.append(svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }));
      const tick = svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' });
      tick.textContent = v >= 1000 ? `${v / 1000}k` : String(Math.round(v * 10) / 10);
      grid.append(tick);
    }
    const slot = (W - PAD.left - PAD.right) / Math.max(1, shown.length);
    let clicked = 0;
    shown.forEach((x, i) => {
      clicked += x.clicked;
      const rect = svg('rect', {
        x: PAD.left + i * slot + slot * 0.15, width: Math.max(1, slot * 0.7), y: y(x.clicked),
        height: Math.max(0, H - PAD.bottom - y(x.clicked)), class: 'bar-clicked', 'data-hour': x.hour, 'data-clicked': x.clicked,
      });
      const tip = svg('title', {});
      tip.textContent = `${new Date(x.hour).toLocaleString()}: ${x.clicked} members clicked (${x.clicks} clicks)`;
      rect.append(tip);
      bars.append(rect);
      if (i === 0 || i === shown.length - 1 || shown.length <= 12 || i % Math.ceil(shown.length / 8) === 0) {
        const at = svg('text', { x: PAD.left + (i + 0.5) * slot, y: H - 6, 'text-anchor': 'middle' });
        at.textContent = new Date(x.hour).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        grid.append(at);
      }
    });
    title.textContent = sent ? `Click-through ${(Math.round((clicked / sent) * 1000) / 10)}% of ${sent} sent` : 'Nothing sent yet';
  };
  draw([], 0);
  return { el: root, draw };
}
