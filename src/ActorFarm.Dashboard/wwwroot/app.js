// ActorFarm dashboard: renders the snapshots the server pushes (server-sent events), one per
// refresh. Everything a task or a user wrote is set as text, never as HTML.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const cards = new Map();
let readOnly = true;

function connect() {
  const events = new EventSource("api/events");
  const state = $("#connection");
  events.addEventListener("snapshot", e => {
    state.textContent = "live";
    state.className = "state live";
    render(JSON.parse(e.data));
  });
  events.onerror = () => {
    state.textContent = "reconnecting…";
    state.className = "state down";
  };
}

function render(snapshot) {
  readOnly = snapshot.readOnly;
  document.body.dataset.at = snapshot.at;
  const error = $("#farm-error");
  error.hidden = !snapshot.error;
  error.textContent = snapshot.error || "";
  renderFarm(snapshot.farm, new Date(snapshot.at));
  renderJobs(snapshot.jobs || []);
}

function renderFarm(farm, now) {
  if (!farm) return;
  const busy = farm.nodes.reduce((n, node) => n + node.busy, 0);
  const slots = farm.nodes.reduce((n, node) => n + node.slots, 0);
  $("#summary").textContent = `${farm.members.length} member(s), ${farm.nodes.length} worker node(s), ${busy} of ${slots} slots busy`;
  fillTable($("#nodes tbody"), farm.nodes, node => {
    const meter = el("span", "busy");
    const fill = el("span");
    fill.style.width = `${node.slots ? (100 * node.busy / node.slots) : 0}%`;
    meter.append(fill);
    const busyCell = el("td", "num");
    busyCell.append(meter, `${node.busy}`);
    const age = Math.max(0, (now - new Date(node.lastHeard)) / 1000);
    return [text(node.name), text(hostPort(node.address), null, node.address), text(node.slots, "num"), busyCell, text(`${age.toFixed(0)} s ago`)];
  }, node => node.name);
  fillTable($("#members tbody"), farm.members, m =>
    [text(hostPort(m.address), null, m.address), text(m.status), text(m.roles.join(", ")), text(m.reachable ? "yes" : "no")], m => m.address);
}

function renderJobs(jobs) {
  $("#no-jobs").hidden = jobs.length > 0;
  const list = $("#job-list");
  const seen = new Set();
  for (const job of jobs) {
    seen.add(job.jobId);
    let card = cards.get(job.jobId);
    if (!card) {
      card = $("#job-template").content.firstElementChild.cloneNode(true);
      card.dataset.jobId = job.jobId;
      $(".cancel", card).addEventListener("click", () => act(job.jobId, "cancel", `Cancel job ${job.jobId}? Running tasks are killed.`));
      $(".rerun", card).addEventListener("click", () => act(job.jobId, "rerun", `Run the failed tasks of job ${job.jobId} again?`));
      cards.set(job.jobId, card);
    }
    list.append(card); // keeps the server's order: newest first
    fillJob(card, job);
  }
  for (const [id, card] of cards) if (!seen.has(id)) { card.remove(); cards.delete(id); }
}

function fillJob(card, job) {
  $(".name", card).textContent = job.name;
  $(".id", card).textContent = job.jobId;
  const phase = $(".phase", card);
  phase.textContent = job.phase;
  phase.className = `phase ${job.phase}`;
  card.dataset.phase = job.phase;
  card.dataset.done = job.succeeded + job.failed;
  const pct = n => job.total ? `${(100 * n / job.total).toFixed(3)}%` : "0%";
  $(".bar .succeeded", card).style.width = pct(job.succeeded);
  $(".bar .failed", card).style.width = pct(job.failed);
  $(".bar .running", card).style.width = pct(job.running);
  $(".bar", card).setAttribute("aria-valuenow", job.total ? Math.floor(100 * (job.succeeded + job.failed) / job.total) : 0);
  const parts = [`${job.succeeded + job.failed} of ${job.total} done`, `${job.succeeded} succeeded`, `${job.failed} failed`,
    `${job.running} running`, `${job.pending} pending`];
  if (job.ratePerSecond != null) parts.push(`${formatRate(job.ratePerSecond)} tasks/s`);
  if (job.etaSeconds != null) parts.push(`ETA ${formatDuration(job.etaSeconds)}`);
  if (job.endedAt && job.acceptedAt) parts.push(`took ${formatDuration((new Date(job.endedAt) - new Date(job.acceptedAt)) / 1000)}`);
  $(".counts", card).textContent = parts.join(" · ");
  const fault = $(".fault", card);
  const why = job.fault || job.waiting;
  fault.hidden = !why;
  fault.textContent = why ? `⚠ ${why}` : "";
  $(".actions", card).hidden = readOnly;
  $(".cancel", card).disabled = job.phase !== "running";
  $(".rerun", card).disabled = job.phase !== "finished" || job.failed === 0;
  plot($(".plot", card), $(".plot-caption", card), job.trend || []);
  histogram($(".histogram", card), $(".histogram-caption", card), job.durations || []);
  failures($(".failures", card), job);
}

// Task durations: one bar per doubling bucket, plain SVG.
function histogram(svg, caption, buckets) {
  svg.replaceChildren();
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (!total) { caption.textContent = "task durations: none finished yet"; return; }
  const top = Math.max(...buckets.map(b => b.count));
  const width = 600 / buckets.length;
  buckets.forEach((b, i) => {
    const h = 95 * b.count / top;
    const bar = svgEl("rect", { x: (i * width + 1).toFixed(1), y: (100 - h).toFixed(1), width: Math.max(1, width - 2).toFixed(1), height: h.toFixed(1) });
    const title = svgEl("title", {});
    title.textContent = `${b.count} task(s) under ${b.upToSeconds == null ? "∞" : formatSeconds(b.upToSeconds)}`;
    bar.append(title);
    svg.append(bar);
  });
  const low = buckets[0].upToSeconds, high = buckets[buckets.length - 1].upToSeconds;
  caption.textContent = `task durations of ${total} task(s), from under ${formatSeconds(low)} to under ${high == null ? "∞" : formatSeconds(high)} (doubling buckets)`;
}

function failures(box, job) {
  const rows = job.failures || [];
  box.hidden = rows.length === 0;
  $("summary", box).textContent = `Failures: ${job.failed} (latest ${rows.length} shown, newest first)`;
  fillTable($("tbody", box), rows, f => {
    const what = el("td");
    what.append(document.createTextNode(Object.entries(f.parameters).map(([k, v]) => `${k}=${v}`).join(" ")));
    if (f.error) { const e = el("div", "error"); e.textContent = f.error; what.append(e); }
    if (f.stderrTail) { const pre = el("pre", "tail"); pre.textContent = f.stderrTail; what.append(pre); }
    const files = el("td");
    for (const [stream, present] of [["stdout", f.hasStdout], ["stderr", f.hasStderr]]) {
      if (!present) continue;
      const a = el("a");
      a.href = `api/jobs/${encodeURIComponent(job.jobId)}/tasks/${f.index}/${stream}`;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = stream;
      files.append(a, " ");
    }
    return [text(f.index), what, text(new Date(f.ended).toLocaleTimeString()), text(f.exitCode ?? f.outcome), text(f.attempts, "num"),
      text(f.node), files];
  }, f => f.index);
}

function formatSeconds(s) { return s < 1 ? `${(s * 1000).toFixed(0)} ms` : s < 120 ? `${s.toFixed(s < 10 ? 1 : 0)} s` : formatDuration(s); }

// Tasks per second between consecutive points, drawn as an area under a line (plain SVG).
function plot(svg, caption, trend) {
  const rates = [];
  for (let i = 1; i < trend.length; i++) {
    const seconds = (trend[i][0] - trend[i - 1][0]) / 1000;
    if (seconds > 0) rates.push([trend[i][0], Math.max(0, trend[i][1] - trend[i - 1][1]) / seconds]);
  }
  svg.replaceChildren();
  if (rates.length < 2) { caption.textContent = "tasks/s: collecting…"; return; }
  const t0 = rates[0][0], t1 = rates[rates.length - 1][0];
  const top = Math.max(...rates.map(r => r[1])) || 1;
  const x = t => t1 > t0 ? 600 * (t - t0) / (t1 - t0) : 0;
  const y = r => 118 - 110 * r / top;
  const line = rates.map(([t, r], i) => `${i ? "L" : "M"}${x(t).toFixed(1)},${y(r).toFixed(1)}`).join(" ");
  svg.append(svgEl("path", { class: "area", d: `${line} L600,120 L0,120 Z` }), svgEl("path", { class: "line", d: line }));
  caption.textContent = `tasks/s over the last ${formatDuration((t1 - t0) / 1000)} · peak ${formatRate(top)}`;
}

async function act(jobId, action, question) {
  if (readOnly || !confirm(question)) return;
  try {
    const response = await fetch(`api/jobs/${encodeURIComponent(jobId)}/${action}`,
      { method: "POST", headers: { "X-ActorFarm-Action": "1" }, credentials: "same-origin" });
    const answer = await response.json();
    alert(answer.message);
  } catch (e) {
    alert(`${action} failed: ${e}`);
  }
}

function fillTable(body, rows, cells, key) {
  body.replaceChildren(...rows.map(row => {
    const tr = document.createElement("tr");
    tr.dataset.key = key(row);
    tr.append(...cells(row));
    return tr;
  }));
}

function el(tag, cls) { const e = document.createElement(tag); if (cls) e.className = cls; return e; }
function text(value, cls, title) { const td = el("td", cls); td.textContent = `${value}`; if (title) td.title = title; return td; }
// akka.ssl.tcp://actorfarm@10.0.0.5:4053 → 10.0.0.5:4053 (the whole address in the cell's title).
function hostPort(address) { const at = address.lastIndexOf("@"); return at >= 0 ? address.slice(at + 1) : address; }
function svgEl(tag, attributes) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  return e;
}
function formatRate(r) { return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2); }
function formatDuration(s) {
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  return h ? `${h} h ${m} min` : m ? `${m} min ${sec} s` : `${sec} s`;
}

connect();
