// SmartPick's page: the form becomes the profile's TOML text, which the server checks exactly as it checks a
// profile file; the sheet stays in this page's memory and is sent with each solve. Nothing here leaves the computer.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
const state = { file: null, payload: null, sort: { key: "n", dir: 1 }, seq: 0, controller: null };

// --- the profile form <-> TOML ----------------------------------------------------------------------------------

function fieldValue(field) {
  const kind = field.dataset.kind;
  if (kind === "band") return $$("input", field).map(i => i.value.trim());
  return $("input, select", field).value.trim();
}

function setFieldValue(field, value) {
  const kind = field.dataset.kind;
  if (kind === "band") {
    const parts = Array.isArray(value) ? value : ["", ""];
    $$("input", field).forEach((input, i) => { input.value = parts[i] === undefined ? "" : String(parts[i]); });
    return;
  }
  let text = "";
  if (value === undefined || value === null) text = "";
  else if (kind === "list") text = Array.isArray(value) ? value.join(", ") : String(value);
  else if (kind === "table") text = Object.entries(value).map(([k, v]) => `${k} = ${v}`).join(", ");
  else if (kind === "flag") text = value === true ? "true" : value === false ? "false" : String(value);
  else text = String(value);
  const input = $("input, select", field);
  if (input.tagName === "SELECT" && text && !$$("option", input).some(o => o.value === text)) {
    input.append(new Option(text, text));  // a value the file holds: keep it, the server will judge it
  }
  input.value = text;
}

function lookup(data, key) {
  return key.split(".").reduce((node, part) => (node && typeof node === "object" ? node[part] : undefined), data);
}

function fillForm(data) {
  for (const field of $$("#profile-form .field")) setFieldValue(field, lookup(data, field.dataset.key));
  clearErrors();
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const tomlString = text => JSON.stringify(text);
const tomlKey = key => (/^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key));
const tomlScalar = text => (NUMBER.test(text) ? text : tomlString(text));  // a wrong number reaches the checks as text

function tomlValue(kind, value) {
  if (kind === "number" || kind === "score") return tomlScalar(value);
  if (kind === "flag") return value === "true" || value === "false" ? value : tomlString(value);
  if (kind === "list") return "[" + value.split(",").map(s => s.trim()).filter(Boolean).map(tomlString).join(", ") + "]";
  if (kind === "band") return "[" + value.map(v => tomlScalar(v)).join(", ") + "]";
  return tomlString(value);
}

function formToToml() {
  const tables = { applicant: [], goals: [], "goals.tiers": [] };
  const subtables = [];
  for (const field of $$("#profile-form .field")) {
    const key = field.dataset.key, kind = field.dataset.kind, value = fieldValue(field);
    const empty = kind === "band" ? value.every(v => !v) : !value;
    if (empty) continue;
    const parts = key.split(".");
    const name = parts.pop(), table = parts.join(".");
    if (kind === "table") {
      const lines = value.split(/[,\n]/).map(s => s.trim()).filter(Boolean).map(pair => {
        const [k, ...rest] = pair.split("=");
        return `${tomlKey(k.trim().replace(/^"|"$/g, ""))} = ${tomlScalar(rest.join("=").trim())}`;
      });
      subtables.push(`[${key}]`, ...lines, "");
    } else {
      tables[table].push(`${tomlKey(name)} = ${tomlValue(kind, value)}`);
    }
  }
  const out = [];
  for (const [table, lines] of Object.entries(tables)) {
    if (lines.length || table === "applicant") out.push(`[${table}]`, ...lines, "");
  }
  return out.concat(subtables).join("\n");
}

// --- talking to the server ----------------------------------------------------------------------------------------

function inputsForm() {
  const form = new FormData();
  form.append("profile", formToToml());
  if ($("#source-upload").checked && state.file) form.append("programs", state.file, state.file.name);
  return form;
}

async function post(path, form, signal) {
  const response = await fetch(path, { method: "POST", body: form, signal });
  if (response.ok) return response;
  let problem;
  try { problem = await response.json(); } catch (e) { problem = { error: "bug", message: response.statusText }; }
  const error = new Error(problem.message);
  error.problem = problem;
  throw error;
}

function describe(p) {
  const where = [p.file];
  if (p.row !== null && p.row !== undefined) where.push(`row ${p.row}`);
  if (p.column) where.push(`${p.file === "profile.toml" ? "key" : "column"} '${p.column}'`);
  const found = p.value !== null && p.value !== undefined && p.value !== "" ? ` (found ${p.value})` : "";
  return `${where.filter(Boolean).join(", ")}: ${p.message}${found}`;
}

function clearErrors() {
  for (const field of $$("#profile-form .field")) {
    field.classList.remove("invalid");
    $(".field-error", field).textContent = "";
  }
  for (const control of $$("#whatif .invalid")) control.classList.remove("invalid");
  for (const id of ["#profile-errors", "#result-errors", "#solve-errors"]) $(id).textContent = "";
}

// the profile keys a reason names ("budget_usd = 1910", "min_programs"), to mark their fields and controls
const WHATIF_OF = { "goals.budget_usd": "#w-budget", "goals.min_programs": "#w-min", "goals.max_programs": "#w-max",
                    "applicant.step2ck": "#w-step2ck" };

function markNamedFields(lines) {
  const marked = [];
  for (const field of $$("#profile-form .field")) {
    const name = field.dataset.key.split(".").pop();
    if (!lines.some(line => new RegExp(`\\b${name}\\b`).test(line))) continue;
    field.classList.add("invalid");
    marked.push(field);
    const control = WHATIF_OF[field.dataset.key];
    if (control) $(control).closest("label").classList.add("invalid");
  }
  return marked;
}

function fieldFor(key) {
  // the field of a key, or of its table ('goals.min_per_state.IL' -> goals.min_per_state)
  const parts = key.split(".");
  while (parts.length) {
    const field = $(`#profile-form .field[data-key="${parts.join(".")}"]`);
    if (field) return field;
    parts.pop();
  }
  return null;
}

function list(target, lines, title) {
  const box = document.createElement("div");
  if (title) { const h = document.createElement("strong"); h.textContent = title; box.append(h); }
  const ul = document.createElement("ul");
  for (const line of lines) { const li = document.createElement("li"); li.textContent = line; ul.append(li); }
  box.append(ul);
  target.append(box);
}

function showProblem(problem) {
  clearErrors();
  markStale(true);
  if (problem.error === "infeasible") {
    // beside the controls that change the limits (the what-if box), and under the button when there is no list yet
    const where = state.payload ? $("#result-errors") : $("#solve-errors");
    list(where, problem.reasons, "No list meets every limit" +
         (state.payload ? " (the numbers below are for your last list):" : ":"));
    markNamedFields(problem.reasons);
    $("#results").hidden = !state.payload;
    $("#busy").textContent = "No list meets these limits: change what is marked in red and try again.";
    where.scrollIntoView({ block: "nearest" });
    return;
  }
  const general = [], sheet = [];
  let first = null;
  for (const p of problem.problems || []) {
    const field = p.file === "profile.toml" && p.column ? fieldFor(p.column) : null;
    if (field) {
      field.classList.add("invalid");
      const found = p.value ? ` (found ${p.value})` : "";
      const box = $(".field-error", field);
      box.textContent = (box.textContent ? box.textContent + " " : "") + p.message + found;
      first = first || field;
    } else if (state.file && p.file === state.file.name) sheet.push(describe(p));
    else general.push(describe(p));
  }
  if (!(problem.problems || []).length) general.push(problem.message);
  if (sheet.length && problem.problem_lines) {  // the server's words, identical problems grouped with their rows
    sheet.splice(0, sheet.length, ...problem.problem_lines.filter(line => line.startsWith(state.file.name)));
  }
  if (sheet.length) { $("#sheet-status").textContent = ""; list($("#sheet-status"), sheet, "Fix these in your sheet:"); }
  if (general.length) list($("#profile-errors"), general, "Please fix:");
  // the same problems under the button just pressed, so they are seen where the person is looking
  const marked = $$("#profile-form .field.invalid").map(f => `${$("label", f).textContent}: ` +
                                                          $(".field-error", f).textContent);
  list($("#solve-errors"), marked.concat(sheet, general),
       marked.length ? "Nothing was solved. Fix the fields marked in red:" : "Nothing was solved. Please fix:");
  if (first) { first.closest("fieldset").classList.add("open"); first.scrollIntoView({ block: "center" }); }
  else if (sheet.length) $("#programs-section").scrollIntoView();
  $("#busy").textContent = "Nothing was solved: fix what is marked in red, then choose your list again.";
}

async function solve() {
  const seq = ++state.seq;
  if (state.controller) state.controller.abort();
  state.controller = new AbortController();
  $("#busy").textContent = "Choosing your list...";
  $("#solve").disabled = true;
  try {
    const response = await post("api/solve", inputsForm(), state.controller.signal);
    const payload = await response.json();
    if (seq !== state.seq) return;
    clearErrors();
    const first = !state.payload;
    state.payload = payload;
    render(payload);
    $("#busy").textContent = "";
    if (first) $("#results").scrollIntoView({ block: "start" });  // the answer, with the controls that change it
  } catch (error) {
    if (error.name === "AbortError" || seq !== state.seq) return;
    if (error.problem) showProblem(error.problem);
    else $("#busy").textContent = `The server did not answer (${error.message}). Is SmartPick still running?`;
  } finally {
    if (seq === state.seq) $("#solve").disabled = false;
  }
}

// --- the results ----------------------------------------------------------------------------------------------------

const pct = (p, digits = 0) => (p === null || p === undefined ? "-" : `${(100 * p).toFixed(digits)}%`);
const money = usd => (usd === null || usd === undefined ? "-" : `$${Math.round(usd).toLocaleString("en-US")}`);

function card(label, value, detail, id, tooltip) {
  const box = document.createElement("div");
  box.className = "stat";
  if (id) box.id = id;
  if (tooltip) box.title = tooltip;  // the full source, for who wants it
  const v = document.createElement("div"); v.className = "value"; v.textContent = value;
  const l = document.createElement("div"); l.className = "label"; l.textContent = label;
  box.append(v, l);
  if (detail) { const d = document.createElement("div"); d.className = "detail"; d.textContent = detail; box.append(d); }
  return box;
}

function markStale(stale) {
  for (const id of ["#summary", "#notes", "#chart", "#programs-table"]) $(id).classList.toggle("stale", stale);
}

function render(payload) {
  $("#results").hidden = false;
  markStale(false);
  const summary = $("#summary");
  summary.textContent = "";
  let matchDetail = "";
  if (payload.p_match_range_text) {
    matchDetail = `range ${payload.p_match_range_text}`;  // the server's words: the CLI's rounding
  }
  // applicants like you: each specialty's own published group (solve --json `population`), else the first's
  const groups = (payload.population && payload.population.length) ? payload.population
    : (payload.population_p_match !== undefined && payload.population_p_match !== null
      ? [{p_match: payload.population_p_match, group: payload.population_group}] : []);
  if (groups.length) {
    const source = payload.population_short_source || payload.population_source;
    const said = groups.map((g) => `applicants like you${g.group ? ` (${g.group})` : ""}: ${pct(g.p_match)}`);
    matchDetail += `${matchDetail ? "; " : ""}${said.join("; ")}` + (source ? `. Source: ${source}` : "");
  }
  summary.append(
    card("expected interviews", payload.expected_interviews === null ? "-" : payload.expected_interviews.toFixed(1),
         payload.sd !== null ? `SD ${payload.sd.toFixed(1)}; at least 5: ${pct((payload.p_at_least || {})["5"], 1)}` : "",
         "stat-interviews"),
    card("chance of matching", pct(payload.p_match), matchDetail, "stat-match", payload.population_source),
    card("cost", money(payload.cost), `of your ${money(payload.budget)} budget`, "stat-cost"),
    card("programs", String(payload.count), `allowed ${payload.min_programs}-${payload.max_programs}`, "stat-count"),
  );
  const notes = $("#notes");
  notes.textContent = "";
  const limits = payload.binding && payload.binding.length ? payload.binding.join("; ") : "none";
  const facts = [`Limits reached: ${limits}.`];
  if (payload.gain_per_100_usd !== null && payload.gain_per_100_usd !== undefined) {
    facts.push(`$100 more would add ${payload.gain_per_100_usd.toFixed(2)} weighted expected interviews.`);
  }
  if (payload.signals) {
    facts.push(`Your ${payload.signals.placed.length} signals add ${payload.signals.gain_vs_no_signals.toFixed(2)} ` +
               "weighted expected interviews against sending none.");
  }
  list(notes, facts.concat(payload.warnings || []).concat(payload.notes || []));
  drawChart(payload.interview_distribution || [], payload.expected_interviews);
  drawMap(payload.programs || []);
  syncWhatIf(payload);
  renderTable();
}

function drawChart(dist, mean) {
  const box = $("#chart");
  box.textContent = "";
  if (!dist.length) return;
  let last = dist.length - 1;
  while (last > 10 && dist[last] < 0.001) last--;
  const shown = dist.slice(0, last + 1);
  const W = 720, H = 252, left = 44, bottom = 34, top = 24;
  const top_p = Math.max(...shown);
  const bw = (W - left - 10) / shown.length;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Chance of each number of interviews; about ${mean ? mean.toFixed(1) : "-"} expected`);
  const el = (name, attrs, text) => {
    const node = document.createElementNS(ns, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  const y = p => top + (H - top - bottom) * (1 - p / top_p);
  for (const tick of [0, 0.5, 1]) {
    const p = top_p * tick;
    el("line", { x1: left, x2: W - 6, y1: y(p), y2: y(p), class: "grid" });
    el("text", { x: left - 6, y: y(p) + 4, "text-anchor": "end", class: "axis" }, pct(p));
  }
  shown.forEach((p, n) => {
    const bar = el("rect", { x: left + n * bw + 1, y: y(p), width: Math.max(bw - 2, 1), height: y(0) - y(p),
                             class: n >= 5 ? "bar" : "bar low" });
    const title = document.createElementNS(ns, "title");
    title.textContent = `${n} interviews: ${pct(p, 1)}`;
    bar.append(title);
    if (shown.length <= 30 || n % 5 === 0) {
      el("text", { x: left + (n + 0.5) * bw, y: H - bottom + 16, "text-anchor": "middle", class: "axis" }, String(n));
    }
  });
  if (mean !== null && mean !== undefined) {
    const x = left + (mean + 0.5) * bw;
    el("line", { x1: x, x2: x, y1: top, y2: y(0), class: "mean" });
    el("text", { x: x + 4, y: top - 8, class: "axis" }, `expected ${mean.toFixed(1)}`);
  }
  el("text", { x: (W + left) / 2, y: H - 4, "text-anchor": "middle", class: "axis" }, "number of interviews");
  box.append(svg);
}

function tableRows() {
  const rows = ((state.payload && state.payload.programs) || []).map((r, i) => ({
    ...r, n: i + 1, place: `${r.city}, ${r.state}`,
  }));
  const text = $("#filter-text").value.trim().toLowerCase();
  const tier = $("#filter-tier").value, region = $("#filter-region").value, signal = $("#filter-signal").value;
  const kept = rows.filter(r => (!text || `${r.program} ${r.place}`.toLowerCase().includes(text)) &&
    (!tier || r.tier === tier) && (!region || r.region === region) &&
    (!signal || (signal === "any" ? !!r.signal : !r.signal)));
  const { key, dir } = state.sort;
  kept.sort((a, b) => {
    const x = a[key], z = b[key];
    if (x === z) return a.n - b.n;
    if (x === null || x === undefined) return 1;
    if (z === null || z === undefined) return -1;
    return (x < z ? -1 : 1) * dir;
  });
  return { kept, total: rows.length };
}

function renderTable() {
  const { kept, total } = tableRows();
  const body = $("#programs-table tbody");
  body.textContent = "";
  for (const r of kept) {
    const tr = document.createElement("tr");
    const cells = [r.n, r.program, r.place, r.specialty, r.tier, r.region, pct(r.p_interview, 1), r.signal || "",
                   money(r.fee_share_usd)];
    cells.forEach((value, i) => {
      const td = document.createElement("td");
      td.textContent = value;
      if ([0, 6, 8].includes(i)) td.className = "num";
      if (i === 4) td.className = `tier ${r.tier}`;
      tr.append(td);
    });
    body.append(tr);
  }
  $("#table-count").textContent = `${kept.length} of ${total} programs`;
  for (const th of $$("#programs-table th")) {
    th.setAttribute("aria-sort", th.dataset.sort === state.sort.key ? (state.sort.dir > 0 ? "ascending" : "descending") : "none");
  }
}

// --- where the programs are: a tile grid of the states (one square each, roughly where the state is) -----------

const TILES = {
  AK: [0, 0], ME: [0, 11], WI: [1, 6], VT: [1, 10], NH: [1, 11],
  WA: [2, 1], ID: [2, 2], MT: [2, 3], ND: [2, 4], MN: [2, 5], IL: [2, 6], MI: [2, 7], NY: [2, 9], MA: [2, 10],
  OR: [3, 1], NV: [3, 2], WY: [3, 3], SD: [3, 4], IA: [3, 5], IN: [3, 6], OH: [3, 7], PA: [3, 8], NJ: [3, 9],
  CT: [3, 10], RI: [3, 11],
  CA: [4, 1], UT: [4, 2], CO: [4, 3], NE: [4, 4], MO: [4, 5], KY: [4, 6], WV: [4, 7], VA: [4, 8], MD: [4, 9],
  DE: [4, 10],
  AZ: [5, 2], NM: [5, 3], KS: [5, 4], AR: [5, 5], TN: [5, 6], NC: [5, 7], SC: [5, 8], DC: [5, 9],
  OK: [6, 4], LA: [6, 5], MS: [6, 6], AL: [6, 7], GA: [6, 8],
  HI: [7, 0], TX: [7, 4], FL: [7, 9], PR: [7, 11],
};

function svgElement(name, attrs, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function drawMap(programs) {
  const box = $("#map");
  box.textContent = "";
  const byState = {};
  for (const p of programs) {
    const s = (byState[p.state] = byState[p.state] || { reach: 0, core: 0, safety: 0, total: 0 });
    s[p.tier] += 1;
    s.total += 1;
  }
  const most = Math.max(1, ...Object.values(byState).map(s => s.total));
  const size = 54, gap = 4;
  const svg = svgElement("svg", { viewBox: `0 0 ${12 * (size + gap)} ${8 * (size + gap)}`, role: "img",
                                  "aria-label": "Programs on your list by state" });
  for (const [state, [row, col]] of Object.entries(TILES)) {
    const s = byState[state];
    const x = col * (size + gap), y = row * (size + gap);
    const tile = svgElement("rect", { x, y, width: size, height: size, rx: 4,
                                      class: s ? "tile" : "tile empty",
                                      "fill-opacity": s ? (0.25 + 0.75 * s.total / most).toFixed(2) : 1 });
    const title = svgElement("title", {}, s ? `${state}: ${s.total} programs (reach ${s.reach}, core ${s.core}, ` +
                                              `safety ${s.safety})` : `${state}: none`);
    tile.append(title);
    svg.append(tile);
    const ink = s && s.total / most > 0.45 ? " light" : "";  // white text on the darker squares
    svg.append(svgElement("text", { x: x + size / 2, y: y + 22, "text-anchor": "middle", class: "tile-name" + ink },
                          state));
    if (s) {
      svg.append(svgElement("text", { x: x + size / 2, y: y + 40, "text-anchor": "middle", class: "tile-count" + ink },
                            String(s.total)));
      let left = x + 4;  // a thin bar of the tiers at the bottom of the square
      for (const tier of ["reach", "core", "safety"]) {
        const w = (size - 8) * s[tier] / s.total;
        if (w > 0) svg.append(svgElement("rect", { x: left, y: y + size - 8, width: w, height: 4, class: `mini ${tier}` }));
        left += w;
      }
    }
  }
  box.append(svg);
  const legend = document.createElement("p");
  legend.className = "hint";
  legend.textContent = "Each square is a state, placed roughly where it is; darker means more programs. " +
    "The bar at its foot: reach (orange), core (blue), safety (green).";
  box.append(legend);
}

// --- the budget frontier and the scenarios (on request: they solve many lists) --------------------------------

async function runFrontier() {
  const box = $("#frontier");
  const budget = Number(fieldValue(formField("goals.budget_usd")) || (state.payload && state.payload.budget) || 2500);
  const low = Math.max(500, Math.round((budget - 1000) / 250) * 250);
  const form = inputsForm();
  form.append("budget", `${low}:${low + 3000}:250`);
  box.textContent = "Solving the best list at 13 budgets...";
  try {
    const payload = await (await post("api/frontier", form)).json();
    drawFrontier(box, payload, budget);
  } catch (error) {
    box.textContent = error.message;
  }
}

function drawFrontier(box, payload, budget) {
  box.textContent = "";
  const points = payload.points.filter(p => p.expected_interviews !== null);
  if (!points.length) { box.textContent = "No budget in this range allows a list."; return; }
  const W = 720, H = 260, left = 62, bottom = 40, top = 14, right = 40;  // room for the axis labels
  const xs = points.map(p => p.budget), ys = points.map(p => p.expected_interviews);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(...ys) * 1.08, y0 = Math.min(...ys) * 0.9;
  const x = v => left + (W - left - right) * (v - x0) / Math.max(1, x1 - x0);
  const y = v => top + (H - top - bottom) * (1 - (v - y0) / Math.max(1e-9, y1 - y0));
  const svg = svgElement("svg", { viewBox: `0 0 ${W} ${H}`, role: "img",
                                  "aria-label": "Expected interviews at each budget" });
  for (const t of [0, 0.5, 1]) {
    const v = y0 + t * (y1 - y0);
    svg.append(svgElement("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid" }));
    svg.append(svgElement("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" }, v.toFixed(1)));
  }
  svg.append(svgElement("polyline", { points: points.map(p => `${x(p.budget)},${y(p.expected_interviews)}`).join(" "),
                                      class: "line" }));
  for (const p of points) {
    const dot = svgElement("circle", { cx: x(p.budget), cy: y(p.expected_interviews), r: 4,
                                       class: p.budget === payload.diminishing_returns_at ? "dot knee" : "dot" });
    dot.append(svgElement("title", {}, `${money(p.budget)}: ${p.expected_interviews.toFixed(1)} expected interviews, ` +
                                       `${p.count} programs, P(match) ${pct(p.p_match)}`));
    svg.append(dot);
    svg.append(svgElement("text", { x: x(p.budget), y: H - bottom + 16, "text-anchor": "middle", class: "axis" },
                          `$${parseFloat((p.budget / 1000).toFixed(2))}k`));
  }
  if (budget >= x0 && budget <= x1) {
    svg.append(svgElement("line", { x1: x(budget), x2: x(budget), y1: top, y2: H - bottom, class: "mean" }));
    svg.append(svgElement("text", { x: x(budget) + 4, y: top + 10, class: "axis" }, "your budget"));
  }
  svg.append(svgElement("text", { x: (W + left - right) / 2, y: H - 4, "text-anchor": "middle", class: "axis" },
                        "budget (US dollars)"));
  svg.append(svgElement("text", { x: 14, y: (H - bottom + top) / 2, "text-anchor": "middle", class: "axis",
                                  transform: `rotate(-90 14 ${(H - bottom + top) / 2})` }, "expected interviews"));
  const chart = document.createElement("div");
  chart.className = "chart";
  chart.append(svg);
  box.append(chart);
  const note = document.createElement("p");
  note.className = "hint";
  note.textContent = payload.diminishing_returns_at
    ? `From ${money(payload.diminishing_returns_at)} (the larger dot), each further $100 adds little: ${payload.rule}.`
    : `No point of diminishing returns in this range (${payload.rule}).`;
  box.append(note);
}

async function runScenarios() {
  const box = $("#scenarios");
  box.textContent = "Solving each scenario...";
  try {
    const payload = await (await post("api/scenarios", inputsForm())).json();
    box.textContent = "";
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of ["Scenario", "Status", "Programs", "Cost", "Expected interviews", "P(match)"]) {
      const th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const s of payload.scenarios) {
      const row = body.insertRow();
      const cells = [s.name, s.error ? `${s.status}: ${s.error}` : s.status, s.count || "-", money(s.cost),
                     s.expected_interviews === null ? "-" : s.expected_interviews.toFixed(1), pct(s.p_match)];
      cells.forEach((value, i) => {
        const td = row.insertCell();
        td.textContent = value;
        if (i >= 2) td.className = "num";
        if (i === 0 && s.description) td.title = s.description;
      });
    }
    box.append(table);
    if (payload.errors.length) list(box, payload.errors.map(e => `${e.file}: ${e.message}`), "Scenarios not run:");
  } catch (error) {
    box.textContent = error.message;
  }
}

async function runCompare() {
  const box = $("#compare");
  const file = $("#compare-file").files[0];
  if (!state.payload || !file) { box.textContent = "Choose your list first, then a file to compare it with."; return; }
  const form = inputsForm();
  form.append("lists", new Blob([JSON.stringify(state.payload)], { type: "application/json" }), "SmartPick list.json");
  form.append("lists", file, file.name);
  box.textContent = "Comparing...";
  try {
    const payload = await (await post("api/compare", form)).json();
    box.textContent = "";
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of ["List", "Programs", "Cost", "Expected interviews", "P(at least 5)", "P(match)", "Limits broken"]) {
      const th = document.createElement("th");
      th.textContent = name;
      head.append(th);
    }
    const body = table.createTBody();
    for (const p of payload.portfolios) {
      const row = body.insertRow();
      const broken = (p.violations || []).length ? p.violations.join("; ") : "none";
      [p.name, p.count, money(p.cost), p.expected_interviews.toFixed(1), pct(p.p_at_least_5), pct(p.p_match), broken]
        .forEach((value, i) => {
          const td = row.insertCell();
          td.textContent = value;
          if (i >= 1 && i <= 5) td.className = "num";
        });
    }
    box.append(table);
    const facts = [`${payload.common} programs are on both lists.`].concat(
      Object.entries(payload.only).map(([name, ids]) => `${ids.length} only on ${name}.`));
    list(box, facts.concat((payload.what_changed || []).map(change => change.text),
      payload.notes.filter(n => !n.startsWith("Demo data"))));
  } catch (error) {
    box.textContent = "";
    if (error.problem && error.problem.problems) list(box, error.problem.problems.map(describe), "This list cannot be read:");
    else box.textContent = error.message;
  }
}

// --- what-if: quick controls bound to the form's fields ---------------------------------------------------------

const WHATIF = [["#w-min", "goals.min_programs"], ["#w-max", "goals.max_programs"], ["#w-step2ck", "applicant.step2ck"]];

function formField(key) { return $(`#profile-form .field[data-key="${key}"]`); }

function syncWhatIf(payload) {
  $("#w-budget").value = String(payload.budget);
  $("#w-budget-out").textContent = money(payload.budget);
  $("#w-min").value = payload.min_programs;
  $("#w-max").value = payload.max_programs;
  $("#w-step2ck").value = fieldValue(formField("applicant.step2ck"));
  $("#w-signals").checked = fieldValue(formField("goals.use_signals")) !== "false";
}

let timer = null;
function whatIfChanged() {
  setFieldValue(formField("goals.budget_usd"), $("#w-budget").value);
  $("#w-budget-out").textContent = money(Number($("#w-budget").value));
  for (const [control, key] of WHATIF) setFieldValue(formField(key), $(control).value);
  setFieldValue(formField("goals.use_signals"), $("#w-signals").checked ? "true" : "false");
  clearTimeout(timer);
  timer = setTimeout(solve, 250);
}

// --- downloads -------------------------------------------------------------------------------------------------------

function save(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
}

async function download(path, name) {
  $("#busy").textContent = "Preparing your file...";
  try {
    const response = await post(path, inputsForm());
    save(await response.blob(), name);
    $("#busy").textContent = "";
  } catch (error) {
    if (error.problem) showProblem(error.problem); else $("#busy").textContent = error.message;
  }
}

// --- the sheet ----------------------------------------------------------------------------------------------------------

async function checkSheet() {
  const status = $("#sheet-status");
  status.textContent = "";
  if (!state.file) return;
  const form = new FormData();
  form.append("programs", state.file, state.file.name);
  const response = await fetch("api/validate", { method: "POST", body: form });
  const report = await response.json();
  if (report.error) { list(status, [report.message], "This sheet cannot be used:"); return; }
  const p = document.createElement("p");
  p.textContent = `${state.file.name}: ${report.rows} programs read` +
    (report.errors.length ? `, ${report.errors.length} problems to fix.` : ".");
  status.append(p);
  if (report.errors.length) {
    const lines = report.error_lines || report.errors.map(e => describe({ ...e, file: "" }).replace(/^: /, ""));
    list(status, lines, "Fix these in your sheet:");
  }
  if (report.warnings.length) list(status, report.warnings, "Good to know:");
}

// --- wiring ---------------------------------------------------------------------------------------------------------------

async function loadExample() {
  const response = await fetch("api/profile/example");
  fillForm((await response.json()).data);
}

document.addEventListener("DOMContentLoaded", () => {
  loadExample();
  $("#load-example").addEventListener("click", event => { event.preventDefault(); loadExample(); });
  $("#programs-file").addEventListener("change", event => {
    state.file = event.target.files[0] || null;
    $("#source-upload").checked = !!state.file;
    checkSheet();
  });
  $("#source-demo").addEventListener("change", () => { $("#sheet-status").textContent = ""; });
  $("#profile-file").addEventListener("change", async event => {
    const file = event.target.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("profile", file, file.name);
    try {
      const response = await post("api/profile/read", form);
      fillForm((await response.json()).data);
    } catch (error) {
      if (error.problem) showProblem(error.problem);
    }
  });
  $("#solve").addEventListener("click", solve);
  $("#w-budget").addEventListener("input", whatIfChanged);
  for (const id of ["#w-min", "#w-max", "#w-step2ck", "#w-signals"]) $(id).addEventListener("change", whatIfChanged);
  for (const id of ["#filter-text", "#filter-tier", "#filter-region", "#filter-signal"]) {
    $(id).addEventListener("input", renderTable);
  }
  for (const th of $$("#programs-table th")) {
    th.addEventListener("click", () => {
      const key = th.dataset.sort;
      state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : (key === "p_interview" ? -1 : 1) };
      renderTable();
    });
  }
  $("#run-frontier").addEventListener("click", runFrontier);
  $("#run-scenarios").addEventListener("click", runScenarios);
  $("#run-compare").addEventListener("click", runCompare);
  $("#dl-workbook").addEventListener("click", () => download("api/workbook", "smartpick_list.xlsx"));
  $("#dl-report").addEventListener("click", () => download("api/report", "smartpick_report.html"));
  $("#dl-profile").addEventListener("click", () => save(new Blob([formToToml()], { type: "application/toml" }),
                                                          "profile.toml"));
});
