"use strict";
// A key's usage: the last hour as an inline SVG bar chart, unusual patterns, recent calls with filters.
// The filters live in the address (?status=&method=&refused=1), so a reload or a shared link keeps them.
(() => {
  const { call, el, when, plural, timeEl, setStatus, fields } = window.dash;
  const SVG = "http://www.w3.org/2000/svg";
  const REFUSED = new Set([401, 403]);
  const $ = (id) => document.getElementById(id);
  const root = $("usage");
  const keyId = root.dataset.keyId;
  const filters = $("call-filters");
  let calls = [];
  let claimsOf = new Map(); // journal entry id -> the claims of the findings that cite it

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    for (const child of children) node.append(child);
    return node;
  }

  function chart(buckets, bucketSeconds, total, refused) {
    const width = 600, height = 160, pad = 24, gap = 4;
    const max = Math.max(1, ...buckets.map((b) => b.calls));
    const barWidth = (width - pad * 2) / buckets.length - gap;
    const scale = (height - pad * 2) / max;
    const picture = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "bars",
      "aria-label": `${plural(total, "request")} in the last hour, ${refused} refused, in ${plural(buckets.length, "bar")}`
        + ` of ${plural(bucketSeconds / 60, "minute")}` });
    picture.append(svg("line", { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, class: "axis" }));
    picture.append(svg("text", { x: pad, y: pad - 8, class: "tick" }, document.createTextNode(`max ${max} per bar`)));
    buckets.forEach((bucket, i) => {
      const x = pad + i * (barWidth + gap) + gap / 2;
      const okHeight = (bucket.calls - bucket.refused) * scale;
      const badHeight = bucket.refused * scale;
      const group = svg("g", {}, svg("title", {}, document.createTextNode(
        `${when(bucket.start)}: ${plural(bucket.calls, "call")}, ${bucket.refused} refused`)));
      group.append(svg("rect", { x, y: height - pad - okHeight, width: barWidth, height: okHeight, class: "ok" }));
      group.append(svg("rect", { x, y: height - pad - okHeight - badHeight, width: barWidth, height: badHeight,
        class: "refused" }));
      picture.append(group);
    });
    picture.append(svg("text", { x: pad, y: height - 6, class: "tick" }, document.createTextNode("−60 min")));
    picture.append(svg("text", { x: width - pad, y: height - 6, class: "tick end" }, document.createTextNode("now")));
    return picture;
  }

  function reasonText(reason) {
    if (!reason) return "";
    // The key's own id adds nothing on its own page.
    const details = Object.entries(reason).filter(([k, v]) => k !== "code" && !(k === "keyId" && v === keyId))
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(" | ") : v}`);
    return details.length ? `${reason.code} (${details.join(", ")})` : reason.code;
  }

  function callRow(c) {
    return el("tr", { class: c.status >= 400 ? "refused" : null },
      el("td", { "data-label": "Time (UTC)", text: when(c.time) }),
      el("td", { "data-label": "Method", text: c.method }),
      el("td", { "data-label": "Path" }, el("code", { text: c.path })),
      el("td", { "data-label": "Status", text: String(c.status) }),
      el("td", { "data-label": "Reason" }, c.reason ? el("code", { text: reasonText(c.reason) }) : null,
        ...(claimsOf.get(c.id) || []).map((claim) => el("span", { class: "claim", text: claim }))));
  }

  function findingItem(f) {
    return el("li", { "data-claim": f.claim, "data-rule": f.rule },
      el("strong", { text: f.claim }), ` ${f.message} `, el("span", { class: "fix", text: `Fix: ${f.fix}` }));
  }

  function options(select, values, label) {
    const chosen = select.value;
    const all = [...new Set([...values, ...(chosen ? [chosen] : [])])].sort();
    select.replaceChildren(el("option", { value: "", text: label }), ...all.map((v) => el("option", { value: v, text: v })));
    select.value = chosen;
  }

  function showCalls() {
    const status = filters.elements.status.value;
    const method = filters.elements.method.value;
    const refusedOnly = filters.elements.refused.checked;
    const shown = calls.filter((c) => (!status || String(c.status) === status) && (!method || c.method === method)
      && (!refusedOnly || REFUSED.has(c.status)));
    $("call-rows").replaceChildren(...shown.map(callRow));
    const filtered = status || method || refusedOnly;
    $("call-count").textContent = filtered ? `Showing ${shown.length} of ${plural(calls.length, "recent call")}`
      : plural(calls.length, "recent call");
    filters.hidden = calls.length === 0;
    $("no-calls").hidden = calls.length > 0;
    $("no-match").hidden = calls.length === 0 || shown.length > 0;
    const query = new URLSearchParams();
    if (status) query.set("status", status);
    if (method) query.set("method", method);
    if (refusedOnly) query.set("refused", "1");
    const search = query.toString();
    window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
  }

  const asked = new URLSearchParams(window.location.search);
  for (const name of ["status", "method"]) {
    const value = asked.get(name);
    if (value) filters.elements[name].append(el("option", { value, text: value }));
    filters.elements[name].value = value || "";
  }
  filters.elements.refused.checked = asked.get("refused") === "1";
  filters.addEventListener("change", showCalls);
  filters.addEventListener("submit", (event) => event.preventDefault());

  async function load() {
    let data;
    try {
      data = await call("GET", `/_mock/usage/${encodeURIComponent(keyId)}`);
    } catch (err) {
      if (err.status === 401) { window.location.assign("/dashboard"); return; }
      setStatus(`Could not load the usage: ${err.message}`, true);
      return;
    }
    const key = data.key;
    const now = data.window.to;
    document.title = `Usage of ${key.name} · EUlabel mock`;
    fields(root, { name: key.name, prefix: `${key.prefix}…`, scopes: key.scopes.join(", ") });
    root.querySelector('[data-field="state"]').replaceChildren(...(key.revokedAt
      ? ["revoked ", timeEl(key.revokedAt, now)] : ["active, last used ", timeEl(key.lastUsedAt, now)]));
    $("key-meta").hidden = false;
    if (!data.journalSize) setStatus("The request journal is off (--journal-size 0): no usage is recorded.", true);
    const { calls: total, refused } = data.lastHour;
    root.querySelector('[data-field="summary"]').textContent = total
      ? `${plural(total, "call")} in the last hour, ${refused} refused (401/403).`
      : data.calls.length ? "No calls in the last hour." : "No calls with this key yet.";
    $("chart").replaceChildren(...(total ? [chart(data.buckets, data.window.bucketSeconds, total, refused)] : []));
    $("chart").hidden = $("legend").hidden = total === 0;
    $("unusual").replaceChildren(...data.unusual.map((u) => el("li", { "data-code": u.code, text: u.message })));
    $("unusual-section").hidden = data.unusual.length === 0;
    const findings = data.clientFindings || [];
    $("findings").replaceChildren(...findings.map(findingItem));
    $("findings-section").hidden = findings.length === 0;
    claimsOf = new Map();
    for (const f of findings) {
      for (const id of f.entries) claimsOf.set(id, [...new Set([...(claimsOf.get(id) || []), f.claim])]);
    }
    calls = data.calls;
    options(filters.elements.status, calls.map((c) => String(c.status)), "Any status");
    options(filters.elements.method, calls.map((c) => c.method), "Any method");
    showCalls();
  }

  load();
})();
