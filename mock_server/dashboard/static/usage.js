"use strict";
// A key's usage: the last hour as an inline SVG bar chart, unusual patterns, recent calls.
(() => {
  const { call, el, when, setStatus, fields } = window.dash;
  const SVG = "http://www.w3.org/2000/svg";
  const root = document.getElementById("usage");
  const keyId = root.dataset.keyId;

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, String(value));
    for (const child of children) node.append(child);
    return node;
  }

  function chart(buckets, bucketSeconds) {
    const width = 600, height = 160, pad = 24, gap = 4;
    const max = Math.max(1, ...buckets.map((b) => b.calls));
    const barWidth = (width - pad * 2) / buckets.length - gap;
    const scale = (height - pad * 2) / max;
    const total = buckets.reduce((sum, b) => sum + b.calls, 0);
    const refused = buckets.reduce((sum, b) => sum + b.refused, 0);
    const picture = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "bars",
      "aria-label": `${total} requests in the last hour, ${refused} refused, in ${buckets.length} bars of ${bucketSeconds / 60} minutes` });
    picture.append(svg("line", { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, class: "axis" }));
    picture.append(svg("text", { x: pad, y: pad - 8, class: "tick" }, document.createTextNode(`max ${max}`)));
    buckets.forEach((bucket, i) => {
      const x = pad + i * (barWidth + gap) + gap / 2;
      const okHeight = (bucket.calls - bucket.refused) * scale;
      const badHeight = bucket.refused * scale;
      const group = svg("g", {}, svg("title", {}, document.createTextNode(
        `${when(bucket.start)}: ${bucket.calls} calls, ${bucket.refused} refused`)));
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
    const bad = c.status >= 400;
    return el("tr", { class: bad ? "refused" : null },
      el("td", { text: when(c.time) }),
      el("td", { text: c.method }),
      el("td", {}, el("code", { text: c.path })),
      el("td", { text: String(c.status) }),
      el("td", {}, c.reason ? el("code", { text: reasonText(c.reason) }) : ""));
  }

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
    document.title = `Usage of ${key.name} · EUlabel mock`;
    fields(root, {
      name: key.name,
      prefix: `${key.prefix}…`,
      state: key.revokedAt ? `revoked ${when(key.revokedAt)}` : `active, last used ${when(key.lastUsedAt)}`,
      scopes: key.scopes.join(", "),
      summary: `${data.lastHour.calls} calls in the last hour, ${data.lastHour.refused} refused (401/403).`,
    });
    if (!data.journalSize) setStatus("The request journal is off (--journal-size 0): no usage is recorded.", true);
    document.getElementById("chart").replaceChildren(chart(data.buckets, data.window.bucketSeconds));
    document.getElementById("unusual").replaceChildren(
      ...data.unusual.map((u) => el("li", { "data-code": u.code, text: u.message })));
    document.getElementById("unusual-section").hidden = data.unusual.length === 0;
    document.getElementById("call-rows").replaceChildren(...data.calls.map(callRow));
    document.getElementById("no-calls").hidden = data.calls.length > 0;
  }

  load();
})();
