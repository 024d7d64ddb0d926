// kgqa web page: ask (streamed, cited), the evidence graph (cytoscape), documents.
// Uses only the public HTTP API; the API key (if any) goes in the Authorization header.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { history: [], graph: null };

// -- API ------------------------------------------------------------------------------------
function headers(extra = {}) {
  const key = $("api-key").value.trim();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

// A 503 with Retry-After: every answer slot is taken; the page says when to come back.
class BusyError extends Error {
  constructor(seconds) {
    super(`The service is busy, retry in ${seconds} s.`);
    this.seconds = seconds;
  }
}

async function failure(response) {
  const body = await response.json().catch(() => ({}));
  const retry = parseInt(response.headers.get("Retry-After") || "", 10);
  if (response.status === 503 && retry > 0) return new BusyError(retry);
  const detail = Array.isArray(body.detail) ? body.detail.map((d) => d.msg).join("; ") : body.detail;
  return new Error(body.error || detail || `${response.status} ${response.statusText}`);
}

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: headers(options.headers || {}) });
  if (!response.ok) throw await failure(response);
  return response.json().catch(() => ({}));
}

// Server-Sent Events over a POST: read the body stream, split events on blank lines.
async function* sse(path, payload) {
  const response = await fetch(path, {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    body: JSON.stringify(payload),
  });
  if (!response.ok) throw await failure(response);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
  }
}

// -- rendering helpers ----------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const child of children) node.append(child);
  return node;
}

// The answer text with each [n] turned into a link that highlights evidence item n.
function citedText(text) {
  const span = el("span");
  let last = 0;
  for (const match of text.matchAll(/\[(\d+)\]/g)) {
    span.append(text.slice(last, match.index));
    const n = match[1];
    const link = el("a", { class: "cite", href: `#ev-${n}`, "data-n": n }, `[${n}]`);
    link.addEventListener("click", (e) => {
      e.preventDefault();
      highlight(n);
    });
    span.append(link);
    last = match.index + match[0].length;
  }
  span.append(text.slice(last));
  return span;
}

function highlight(n) {
  document.querySelectorAll("#evidence li").forEach((li) => li.classList.remove("highlight"));
  const item = $(`ev-${n}`);
  if (item) {
    item.classList.add("highlight");
    item.scrollIntoView({ block: "nearest" });
  }
}

// Evidence items as numbered in the prompt: cited ones with their span in context.
function renderEvidence(result) {
  const list = $("evidence");
  list.replaceChildren();
  const cited = new Map(result.citations.map((c) => [c.n, c]));
  const words = new Set(
    result.answer.replace(/\[\d+\]/g, "").toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) || []
  );
  const items = state.lastItems || [];
  for (const item of items) {
    const citation = cited.get(item.n);
    const passage = result.passages.find((p) => p.chunk_id === item.id);
    const fact = result.facts.find((f) => `${f.subject_id}|${f.predicate}|${f.object_id}` === item.id);
    const factText = fact ? `${fact.subject} ${fact.predicate} ${fact.object}` : item.title;
    const text = citation ? citation.text : passage ? passage.text : factText;
    const where = citation || passage || (fact && fact.doc_id ? fact : null);
    const meta = where ? `${where.doc_id} · ${where.start}–${where.end}` : item.kind;
    const body = el("div", { class: "text" });
    for (const sentence of text.split(/(?<=[.!?。！？])\s+/)) {
      const hit = citation && [...words].some((w) => sentence.toLowerCase().includes(w));
      body.append(hit ? el("mark", {}, sentence) : sentence, " ");
    }
    const li = el(
      "li",
      { id: `ev-${item.n}`, "data-kind": item.kind, class: citation ? "cited" : "" },
      el("strong", {}, `[${item.n}] ${item.title || item.kind}`),
      el("div", { class: "meta" }, `${item.kind} · ${meta}${citation ? " · cited" : ""}`),
      body
    );
    list.append(li);
  }
}

// -- the evidence graph ---------------------------------------------------------------------
const TYPE_COLOURS = {
  PERSON: "#4e79a7", GPE: "#59a14f", LOC: "#59a14f", ORG: "#f28e2b", DATE: "#b07aa1",
  WORK_OF_ART: "#e15759", NORP: "#76b7b2", KB: "#9c755f", TOPIC: "#bab0ac",
};

function colour(type) {
  return TYPE_COLOURS[type] || "#8c96a8";
}

function drawGraph(subgraph, citedFacts) {
  const elements = [];
  for (const node of subgraph.nodes) {
    elements.push({
      data: { id: node.id, label: node.name, colour: colour(node.type), type: node.type },
      classes: node.linked ? "linked" : "",
    });
  }
  subgraph.edges.forEach((edge, i) => {
    const key = `${edge.source}|${edge.predicate}|${edge.target}`;
    elements.push({
      data: { id: `e${i}`, source: edge.source, target: edge.target, label: edge.predicate },
      classes: citedFacts.has(key) ? "path" : edge.kind === "cooccurrence" ? "weak" : "",
    });
  });
  if (state.graph) state.graph.destroy();
  state.graph = cytoscape({
    container: $("graph"),
    elements,
    layout: { name: "cose", animate: false, randomize: false },
    style: [
      { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", "font-size": 10 } },
      { selector: "node.linked", style: { "border-width": 4, "border-color": "#1d2330" } },
      { selector: "edge", style: { label: "data(label)", "font-size": 8, "curve-style": "bezier",
          "target-arrow-shape": "triangle", width: 1.5, "line-color": "#a8b1c2", "target-arrow-color": "#a8b1c2" } },
      { selector: "edge.weak", style: { "line-style": "dashed", label: "" } },
      { selector: "edge.path", style: { width: 4, "line-color": "#2450c8", "target-arrow-color": "#2450c8" } },
    ],
  });
  state.graph.on("tap", "node", (event) => expand(event.target.id()));
  updateCount();
}

function updateCount() {
  const g = state.graph;
  $("graph-count").textContent = g ? `(${g.nodes().length} entities, ${g.edges().length} relations)` : "";
  $("graph").dataset.nodes = g ? g.nodes().length : 0;
}

// Clicking a node: show the entity with its neighbours, and add them to the graph.
async function expand(id) {
  try {
    const { entity, facts } = await api(`/v1/entities/${encodeURIComponent(id)}?limit=25`);
    $("entity-panel").hidden = false;
    $("entity-name").textContent = entity.name;
    $("entity-meta").textContent = `${entity.type} · ${entity.aliases.join(", ")}`;
    $("entity-facts").replaceChildren(
      ...facts.map((f) => el("li", {}, `${f.subject} — ${f.predicate} — ${f.object}`))
    );
    const g = state.graph;
    const added = [];
    for (const f of facts) {
      for (const [nid, name] of [[f.subject_id, f.subject], [f.object_id, f.object]]) {
        if (g.getElementById(nid).empty() && !added.some((a) => a.data.id === nid)) {
          added.push({ group: "nodes", data: { id: nid, label: name, colour: colour("") } });
        }
      }
      const eid = `x|${f.subject_id}|${f.predicate}|${f.object_id}`;
      if (g.getElementById(eid).empty() && !added.some((a) => a.data.id === eid)) {
        added.push({
          group: "edges",
          data: { id: eid, source: f.subject_id, target: f.object_id, label: f.predicate },
          classes: f.kind === "cooccurrence" ? "weak" : "",
        });
      }
    }
    g.add(added);
    g.layout({ name: "cose", animate: false, randomize: false }).run();
    updateCount();
  } catch (error) {
    $("ask-error").textContent = error.message;
  }
}

// -- asking ---------------------------------------------------------------------------------
async function ask(question) {
  $("ask-error").textContent = "";
  const turn = el("div", { class: "turn" }, el("div", { class: "q" }, question));
  const answer = el("div", { class: "a streaming" });
  turn.append(answer);
  $("thread").append(turn);
  $("ask-button").disabled = true;
  let streamed = "";
  try {
    for await (const { event, data } of sse("/v1/ask", {
      question, history: state.history, stream: true,
    })) {
      if (event === "evidence") {
        state.lastItems = data;
      } else if (event === "token") {
        streamed += data.text;
        answer.textContent = streamed;
      } else if (event === "answer") {
        finish(answer, data);
        state.history.push({ role: "user", content: question }, { role: "assistant", content: data.answer });
      } else if (event === "error") {
        answer.textContent = data.type === "ReaderTimeout"
          ? `${data.error[0].toUpperCase()}${data.error.slice(1)}.`
          : `The reader failed: ${data.error}`;
        answer.classList.add("failed");
        if (data.evidence) {
          renderEvidence(data.evidence);
          drawGraph(data.evidence.subgraph, new Set());
        }
      }
    }
  } catch (error) {
    turn.remove();
    if (error instanceof BusyError) {
      $("question").value = question; // kept, to send again when the wait is over
      waitOut(error.seconds);
      return;
    }
    $("ask-error").textContent = error.message;
  } finally {
    answer.classList.remove("streaming");
    if (!state.busyUntil) $("ask-button").disabled = false;
  }
}

// "busy, retry in N s", counting down, with Ask disabled until then.
function waitOut(seconds) {
  state.busyUntil = Date.now() + seconds * 1000;
  const tick = () => {
    const left = Math.ceil((state.busyUntil - Date.now()) / 1000);
    if (left <= 0) {
      state.busyUntil = 0;
      $("ask-error").textContent = "";
      $("ask-button").disabled = false;
      return;
    }
    $("ask-error").textContent = `The service is busy, retry in ${left} s.`;
    $("ask-error").dataset.busy = left;
    setTimeout(tick, 250);
  };
  $("ask-button").disabled = true;
  tick();
}

function finish(node, result) {
  node.replaceChildren();
  // The short answer (an entity, a date, "yes") above the sentence that explains and cites it.
  if (result.short) node.append(el("div", { class: "short" }, result.short));
  node.append(el("div", { class: "explanation" }, citedText(result.answer)));
  if (result.abstained) {
    node.classList.add("abstained");
    const found = result.passages.length + result.facts.length;
    node.append(el("span", { class: "note" },
      `No answer from the evidence (abstained); ${found} items were found, listed below.`));
  }
  node.dataset.citations = result.citations.length;
  renderEvidence(result);
  const citedFacts = new Set(
    result.citations.filter((c) => c.kind === "fact").map((c) => c.id)
  );
  drawGraph(result.subgraph, citedFacts);
}

// -- documents ------------------------------------------------------------------------------
async function loadDocuments() {
  try {
    const [docs, stats] = await Promise.all([api("/v1/documents?limit=1000"), api("/v1/stats")]);
    $("stats").textContent =
      `${stats.documents} documents · ${stats.chunks} chunks · ${stats.entities} entities · ${stats.relations} relations`;
    state.docs = docs;
    renderDocuments();
  } catch (error) {
    $("upload-result").textContent = error.message;
  }
}

function renderDocuments() {
  const filter = $("doc-filter").value.trim().toLowerCase();
  const rows = (state.docs || [])
    .filter((d) => !filter || d.id.toLowerCase().includes(filter) || d.title.toLowerCase().includes(filter))
    .map((d) => {
      const remove = el("button", { class: "delete", "data-id": d.id }, "Delete");
      remove.addEventListener("click", async () => {
        remove.disabled = true;
        try {
          const result = await api(`/v1/documents/${encodeURIComponent(d.id)}`, { method: "DELETE" });
          $("upload-result").textContent = `Deleted ${result.deleted} (${result.chunks} chunks, ${result.entities} entities).`;
        } catch (error) {
          $("upload-result").textContent = error.message;
        }
        loadDocuments();
      });
      return el("tr", { "data-id": d.id }, el("td", {}, d.id), el("td", {}, d.title), el("td", {}, d.lang), el("td", {}, remove));
    });
  document.querySelector("#docs tbody").replaceChildren(...rows);
}

async function upload(event) {
  event.preventDefault();
  const file = $("upload-file").files[0];
  const text = $("upload-text").value.trim();
  $("upload-result").textContent = "Ingesting…";
  try {
    let report;
    if (file) {
      const form = new FormData();
      form.append("file", file);
      report = await api("/v1/documents", { method: "POST", body: form });
    } else if (text) {
      const documents = [{ text, title: $("upload-title").value.trim() }];
      report = await api("/v1/documents", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ documents }),
      });
    } else {
      throw new Error("choose a file or paste some text");
    }
    $("upload-result").textContent =
      `Ingested: ${report.documents_written} written, ${report.documents_unchanged} unchanged, ` +
      `${report.documents_failed} failed; ${report.chunks} chunks, ${report.entities} entities.`;
    $("upload-form").reset();
    loadDocuments();
  } catch (error) {
    $("upload-result").textContent = error.message;
  }
}

// -- wiring ---------------------------------------------------------------------------------
$("api-key").value = localStorage.getItem("kgqa-api-key") || "";
$("api-key").addEventListener("change", () => localStorage.setItem("kgqa-api-key", $("api-key").value));
$("ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const question = $("question").value.trim();
  if (!question) {
    $("ask-error").textContent = "Type a question first.";
    return;
  }
  $("question").value = "";
  ask(question);
});
$("new-chat").addEventListener("click", () => {
  state.history = [];
  $("thread").replaceChildren();
});
$("upload-form").addEventListener("submit", upload);
$("doc-filter").addEventListener("input", renderDocuments);
for (const tab of document.querySelectorAll(".tab")) {
  tab.addEventListener("click", () => {
    document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t === tab));
    document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== tab.dataset.view; });
    if (tab.dataset.view === "view-docs") loadDocuments();
  });
}
