// A small SVG renderer for the page's charts: lines and stacked bars over years.
// Every mark carries data-series, data-year and data-value, so what is drawn can be read.
(() => {
"use strict";

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78",
                 "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d"];
const SIZE = {w: 520, h: 240, left: 62, right: 12, top: 24, bottom: 26};

function escapeText(text) {
  return String(text).replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                                                  '"': "&quot;", "'": "&#39;"})[c]);
}

// Decimals by magnitude, as the terminal comparison: none from 1,000 (and for JPY/t).
function formatNumber(value, unit) {
  if (value === null || value === undefined || Number.isNaN(value)) return "-";
  const size = Math.abs(value);
  const places = unit === "JPY/t-CO2" || size >= 1000 || size === 0 ? 0
    : size >= 10 ? 1 : size >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", {minimumFractionDigits: places,
                                        maximumFractionDigits: places});
}

function niceTicks(low, high, count = 5) {
  if (high <= low) high = low + 1;
  const raw = (high - low) / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * power).find(s => s >= raw);
  const first = Math.floor(low / step), last = Math.ceil(high / step - 1e-9);
  const ticks = [];
  for (let i = first; i <= last; i++) ticks.push(i * step);   // the top tick >= high
  return ticks;
}

// The frame of a chart: scales, axes, title; `marks` draws into it.
function frame(title, years, low, high, unit, marks, legend) {
  const {w, h, left, right, top, bottom} = SIZE;
  const ticks = niceTicks(Math.min(0, low), high);
  const y0 = ticks[0], y1 = ticks[ticks.length - 1];
  const plotW = w - left - right, plotH = h - top - bottom;
  const slot = plotW / years.length;
  const x = i => left + slot * (i + 0.5);
  const y = v => top + plotH * (1 - (v - y0) / (y1 - y0 || 1));
  const every = Math.max(1, Math.ceil(years.length / 7));
  let svg = `<text class="title" x="${left}" y="14">${escapeText(title)}</text>`;
  for (const t of ticks) {
    svg += `<line class="grid" x1="${left}" x2="${w - right}" y1="${y(t)}" y2="${y(t)}"/>` +
      `<text class="tick" x="${left - 4}" y="${y(t) + 3}" text-anchor="end">` +
      `${formatNumber(t, unit)}</text>`;
  }
  years.forEach((year, i) => {
    if (i % every === 0) {
      svg += `<text class="tick" x="${x(i)}" y="${h - 8}" text-anchor="middle">${year}</text>`;
    }
  });
  svg += `<text class="unit" x="${w - right}" y="14" text-anchor="end">` +
    `${escapeText(unit)}</text>`;
  svg += marks({x, y, slot, y0});
  const keys = legend.map((item, i) =>
    `<span class="key"><i style="background:${item.colour}${item.dash ? ";height:2px" : ""}">` +
    `</i>${escapeText(item.name)}</span>`).join("");
  return `<figure class="chart-box"><svg viewBox="0 0 ${w} ${h}" role="img" ` +
    `aria-label="${escapeText(title)}" data-title="${escapeText(title)}">${svg}</svg>` +
    `<figcaption>${keys}</figcaption></figure>`;
}

function extent(values) {
  const finite = values.filter(v => v !== null && Number.isFinite(v));
  return finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1];
}

function mark(series, year, value) {
  return `data-series="${escapeText(series)}" data-year="${escapeText(year)}" ` +
    `data-value="${escapeText(value)}"`;
}

// Lines (a dot per year, so one model year still shows); null values leave gaps.
// series: [{name, values, colour?, dash?}]
function lineChart(title, data, unit) {
  const series = data.series.map((s, i) => ({...s, colour: s.colour || PALETTE[i % 18]}));
  const [low, high] = extent(series.flatMap(s => s.values));
  return frame(title, data.years, low, high, unit, ({x, y}) => series.map(s => {
    let path = "", dots = "";
    s.values.forEach((v, i) => {
      if (v === null) return;
      path += `${path && s.values[i - 1] !== null ? "L" : "M"}${x(i)},${y(v)}`;
      dots += `<circle r="2.5" cx="${x(i)}" cy="${y(v)}" fill="${s.colour}" ` +
        `${mark(s.name, data.years[i], v)}><title>${escapeText(s.name)} ` +
        `${data.years[i]}: ${formatNumber(v, unit)} ${escapeText(unit)}</title></circle>`;
    });
    return `<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="2"` +
      `${s.dash ? ' stroke-dasharray="5 3"' : ""}/>` + dots;
  }).join(""), series);
}

// Stacked bars per year; series: [{name, values}]
function barChart(title, data, unit) {
  const series = data.series.map((s, i) => ({...s, colour: PALETTE[i % 18]}));
  const totals = data.years.map((_, i) => series.reduce((t, s) => t + (s.values[i] || 0), 0));
  const [low, high] = extent(totals);
  return frame(title, data.years, Math.min(0, low), high, unit, ({x, y, slot}) => {
    const width = Math.max(1, slot * 0.8);
    let bars = "";
    data.years.forEach((year, i) => {
      let base = 0;
      for (const s of series) {
        const v = s.values[i] || 0;
        if (v <= 0) continue;
        bars += `<rect x="${x(i) - width / 2}" y="${y(base + v)}" width="${width}" ` +
          `height="${Math.max(0, y(base) - y(base + v))}" fill="${s.colour}" ` +
          `${mark(s.name, year, v)}><title>${escapeText(s.name)} ${year}: ` +
          `${formatNumber(v, unit)} ${escapeText(unit)}</title></rect>`;
        base += v;
      }
    });
    return bars;
  }, series);
}

// A MAC curve: each measure a bar as wide as its abatement (Mt-CO2/yr) and as high as
// its cost (JPY/t-CO2), cheapest first; `marginal`: a dashed line at the cap's dual.
// measures: [{measure, pathway, cost, abatement, cumulative}]
const PATHWAY_COLOURS = {incumbent: "#1f77b4", efficiency: "#ff7f0e",
                         electrification: "#2ca02c", hydrogen: "#d62728", ccus: "#9467bd",
                         recycling: "#8c564b", fuel_switch: "#e377c2"};
function curveChart(title, measures, marginal) {
  const {w, h, left, right, top, bottom} = SIZE;
  const unit = "JPY/t-CO2";
  const costs = measures.map(m => m.cost).concat(marginal > 0 ? [marginal] : []);
  const ticks = niceTicks(Math.min(0, ...costs), Math.max(0, ...costs));
  const y0 = ticks[0], y1 = ticks[ticks.length - 1];
  const total = Math.max(...measures.map(m => m.cumulative), 1e-9);
  const plotW = w - left - right, plotH = h - top - bottom;
  const x = v => left + plotW * v / total;
  const y = v => top + plotH * (1 - (v - y0) / (y1 - y0 || 1));
  let svg = `<text class="title" x="${left}" y="14">${escapeText(title)}</text>` +
    `<text class="unit" x="${w - right}" y="14" text-anchor="end">${unit}</text>`;
  for (const t of ticks) {
    svg += `<line class="grid" x1="${left}" x2="${w - right}" y1="${y(t)}" y2="${y(t)}"/>` +
      `<text class="tick" x="${left - 4}" y="${y(t) + 3}" text-anchor="end">` +
      `${formatNumber(t, unit)}</text>`;
  }
  svg += `<text class="tick" x="${w - right}" y="${h - 8}" text-anchor="end">` +
    `${formatNumber(total)} Mt-CO2/yr</text>`;
  for (const m of measures) {
    const x0 = x(m.cumulative - m.abatement), top0 = y(Math.max(0, m.cost));
    svg += `<rect x="${x0}" y="${top0}" width="${Math.max(0.5, x(m.cumulative) - x0)}" ` +
      `height="${Math.abs(y(m.cost) - y(0))}" fill="${PATHWAY_COLOURS[m.pathway] || "#7f7f7f"}"` +
      ` stroke="#fff" stroke-width="0.5" data-series="${escapeText(m.measure)}" ` +
      `data-value="${m.cost}"><title>${escapeText(m.measure)}: ${formatNumber(m.cost, unit)} ` +
      `${unit}, ${formatNumber(m.abatement)} Mt-CO2/yr</title></rect>`;
  }
  if (marginal > 0) {
    svg += `<line x1="${left}" x2="${w - right}" y1="${y(marginal)}" y2="${y(marginal)}" ` +
      `stroke="#222" stroke-dasharray="5 3" data-series="cap dual" data-value="${marginal}"/>`;
  }
  const keys = [...new Set(measures.map(m => m.pathway))].map(p =>
    `<span class="key"><i style="background:${PATHWAY_COLOURS[p] || "#7f7f7f"}"></i>` +
    `${escapeText(p)}</span>`).join("");
  return `<figure class="chart-box"><svg viewBox="0 0 ${w} ${h}" role="img" ` +
    `aria-label="${escapeText(title)}" data-title="${escapeText(title)}">${svg}</svg>` +
    `<figcaption>${keys}</figcaption></figure>`;
}

window.charts = {lineChart, barChart, curveChart, formatNumber, escapeText};
})();
