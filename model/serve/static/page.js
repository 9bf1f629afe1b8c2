// The page: lever controls, a solve per change, charts and KPIs redrawn from the answer.
"use strict";

const {lineChart, barChart, curveChart, formatNumber, escapeText} = window.charts;
const $ = id => document.getElementById(id);
// This start's token, which the server put in the page: every API call carries it.
const TOKEN = document.querySelector("meta[name=decarb-token]").content;
const API_HEADERS = {"X-Decarb-Token": TOKEN};
let setup = null;         // /api/state: levers, scheme years, the first solution
let latest = 0;           // the newest request sent; older answers are not drawn
let lastView = null;

async function post(path, body) {
  const response = await fetch(path, {method: "POST", body: JSON.stringify(body),
                                      headers: {...API_HEADERS,
                                                "Content-Type": "application/json"}});
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
  return answer;
}

function showError(text) {
  const box = $("error");
  box.hidden = !text;
  box.textContent = text || "";
  if (text) document.body.dataset.errors = Number(document.body.dataset.errors) + 1;
}

// ---- levers -----------------------------------------------------------------

function control(lever) {
  const id = escapeText(`lever-${lever.name}`);   // programme names come from the data
  if (lever.choices.length) {
    const options = lever.choices.map(c =>
      `<option value="${escapeText(c)}"${c === lever.default ? " selected" : ""}>` +
      `${escapeText(c)}</option>`).join("");
    return `<label for="${id}">${escapeText(lever.label)}</label>` +
      `<select id="${id}" data-lever="${escapeText(lever.name)}">${options}</select>`;
  }
  const value = lever.default === null ? "" : lever.default;
  return `<label for="${id}">${escapeText(lever.label)} ` +
    `<small>${escapeText(lever.unit)}</small></label>` +
    `<input type="range" data-slider="${escapeText(lever.name)}" ` +
    `min="${escapeText(lever.min)}" max="${escapeText(lever.max)}" ` +
    `step="${escapeText(lever.step)}" value="${escapeText(value === "" ? lever.min : value)}">` +
    `<input type="text" inputmode="decimal" id="${id}" data-lever="${escapeText(lever.name)}"` +
    ` value="${escapeText(value)}" placeholder="${lever.nullable ? "as in the case" : ""}">`;
}

function buildLevers() {
  const groups = {};
  for (const lever of setup.levers) (groups[lever.group] ||= []).push(lever);
  $("lever-form").innerHTML = Object.entries(groups).map(([group, levers]) =>
    `<fieldset><legend>${escapeText(group)}</legend>` +
    levers.map(l => `<div class="lever">${control(l)}</div>`).join("") +
    `</fieldset>`).join("");
  for (const slider of document.querySelectorAll("[data-slider]")) {
    const box = $(`lever-${slider.dataset.slider}`);
    slider.addEventListener("input", () => { box.value = slider.value; });
    slider.addEventListener("change", () => changed(slider.dataset.slider));
    box.addEventListener("change", () => {
      if (box.value.trim() !== "" && Number.isFinite(Number(box.value))) {
        slider.value = box.value;
      }
      changed(box.dataset.lever);
    });
  }
  for (const select of document.querySelectorAll("select[data-lever]")) {
    select.addEventListener("change", () => changed(select.dataset.lever));
  }
  enable();
}

// A number box's text: a number, blank (null: as in the case), or the text itself,
// which the server refuses with a message.
function leverValues() {
  const values = {};
  for (const input of document.querySelectorAll("[data-lever]")) {
    const text = input.value.trim();
    if (input.tagName === "SELECT") values[input.dataset.lever] = input.value;
    else values[input.dataset.lever] = text === "" ? null
      : Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return values;
}

function setLever(name, value) {
  const box = $(`lever-${name}`);
  if (!box) return;
  box.value = value;
  const slider = document.querySelector(`[data-slider="${CSS.escape(name)}"]`);
  if (slider) slider.value = value;
}

// Only the active carbon price lever, and the incentive year of a scheme in force.
function enable() {
  const mode = $("lever-carbon_price_mode").value;
  for (const [name, on] of [["carbon_price_scale", mode === "scale"],
                            ["carbon_price", mode === "flat"],
                            ["incentive_last_year", $("lever-tax_scheme").value !== "none"]]) {
    for (const input of document.querySelectorAll(`[data-lever="${name}"], ` +
                                                  `[data-slider="${name}"]`)) {
      input.disabled = !on;
    }
  }
}

function changed(name) {
  if (name === "tax_scheme") {
    const scheme = $("lever-tax_scheme").value;
    if (scheme in setup.scheme_last_years) {
      setLever("incentive_last_year", setup.scheme_last_years[scheme]);
    }
  }
  enable();
  solve();
}

async function solve() {
  const started = performance.now();
  const request = ++latest;
  $("status").textContent = "Solving…";
  try {
    const answer = await post("/api/solve", {levers: leverValues()});
    if (request !== latest) return;
    const drawing = performance.now();
    draw(answer);
    document.body.dataset.drawMs = (performance.now() - drawing).toFixed(1);
    showError("");
    const ms = performance.now() - started;
    document.body.dataset.redrawMs = ms.toFixed(1);
    $("status").textContent = `Solved in ${answer.solve.seconds.toFixed(2)} s on the ` +
      `server (${answer.solve.model}); lever to redrawn charts ${(ms / 1000).toFixed(2)} s.`;
  } catch (error) {
    if (request !== latest) return;
    $("status").textContent = "Not solved: the charts show the last solution.";
    showError(error.message);
  }
}

// ---- results ------------------------------------------------------------------

function draw(answer) {
  const view = answer.view;
  lastView = view;
  drawKpis(view.kpis);
  $("chart-emissions").innerHTML = view.emissions.map(e => `<div data-sector="` +
    `${escapeText(e.sector)}">` + lineChart(e.sector === "all" ? "all sectors" : e.sector, {
      years: e.years, series: [
        {name: "emissions", values: e.series[0].values, colour: "#1f77b4"},
        {name: "cap", values: e.series[1].values, colour: "#222", dash: true}]},
    "Mt-CO2/yr") + `</div>`).join("");
  drawMix();
  $("chart-investment").innerHTML = barChart("capex by sector", view.investment, "BJPY");
  $("chart-support").innerHTML = barChart("subsidies by programme, tax benefit by incentive",
                                          view.support, "BJPY");
  $("chart-mac").innerHTML = view.mac.series.length
    ? lineChart("dual of each CO2 cap, in money of its year", view.mac, "JPY/t-CO2")
    : "<p class='none'>No CO2 cap in this state.</p>";
  drawCurve();
  document.body.dataset.solves = Number(document.body.dataset.solves) + 1;
  document.body.dataset.objective = answer.solve.objective_mjpy;
}

function drawMix() {
  const select = $("mix-sector");
  if (!select.options.length) {
    select.innerHTML = lastView.mix.map(m =>
      `<option>${escapeText(m.sector)}</option>`).join("");
    select.onchange = drawMix;
  }
  const mix = lastView.mix.find(m => m.sector === select.value) || {panels: []};
  $("chart-mix").innerHTML = mix.panels.map(p =>
    `<div>${barChart(`${mix.sector}: ${p.products}`, p, p.unit)}</div>`).join("")
    || "<p class='none'>No output.</p>";
}

// The MAC curve of each sector in the chosen year, with the cap's dual of that year.
function drawCurve() {
  const select = $("curve-year");
  if (!select.options.length) {
    select.innerHTML = lastView.curve.years.map(y =>
      `<option${y === 2030 ? " selected" : ""}>${y}</option>`).join("");
    select.onchange = drawCurve;
  }
  const year = Number(select.value);
  const at = lastView.curve.curves.filter(c => c.year === year);
  const dual = sector => {
    const row = lastView.mac.series.find(s => s.name === sector);
    return row ? row.values[lastView.mac.years.indexOf(year)] : null;
  };
  $("chart-curve").innerHTML = at.map(c => `<div data-sector="${escapeText(c.sector)}">` +
    curveChart(`${c.sector} ${year}`, c.measures, dual(c.sector)) + `</div>`).join("")
    || "<p class='none'>No measure in this year.</p>";
}

function drawKpis(kpis) {
  $("headline").innerHTML = kpis.headline.map(h =>
    `<tr><th>${escapeText(h.kpi)}</th><td data-kpi="${escapeText(h.kpi)}" ` +
    `data-value="${escapeText(h.value)}">${formatNumber(h.value, h.unit)}</td>` +
    `<td class="unit">${escapeText(h.unit)}</td></tr>`).join("");
  const head = `<tr><th>sector</th>` + kpis.columns.map(c =>
    `<th>${escapeText(c.name)}<br><small>${escapeText(c.unit)}</small></th>`).join("") +
    `</tr>`;
  $("kpi-table").innerHTML = head + kpis.rows.map(r =>
    `<tr><th>${escapeText(r.sector)}</th>` + r.values.map((v, i) =>
      `<td data-sector="${escapeText(r.sector)}" data-kpi="${escapeText(kpis.columns[i].name)}"` +
      ` data-value="${escapeText(v)}">${formatNumber(v, kpis.columns[i].unit)}</td>`).join("") +
    `</tr>`).join("");
}

// ---- keeping a state ------------------------------------------------------------

async function keep(path, body, done) {
  $("message").textContent = "…";
  try {
    const answer = await post(path, {levers: leverValues(), ...body});
    $("message").textContent = done(answer);
    showError("");
  } catch (error) {
    $("message").textContent = "";
    showError(error.message);
  }
}

async function start() {
  const response = await fetch("/api/state", {headers: API_HEADERS});
  setup = await response.json();
  if (!response.ok) throw new Error(setup.error || `HTTP ${response.status}`);
  $("lever-form").addEventListener("submit", event => event.preventDefault());
  $("case-name").textContent = `— ${setup.case}`;
  $("case-purpose").textContent = setup.purpose;
  $("note").textContent = setup.note;
  buildLevers();
  draw(setup.first);
  $("status").textContent = `Solved at start (${setup.first.solve.model}). Move a lever.`;
  $("save-button").addEventListener("click", () => keep("/api/save", {
    name: $("save-name").value.trim(), purpose: $("save-purpose").value},
    a => `Saved ${a.path}; reproduce with: ${a.commands[0]}`));
  $("store-button").addEventListener("click", () => keep("/api/store", {
    name: $("store-name").value.trim() || null},
    a => `Stored ${a.folder}; then: ${a.commands.join("; ")}`));
  document.body.dataset.ready = "true";
}

start().catch(error => showError(`The page could not start: ${error.message}`));
