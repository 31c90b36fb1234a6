"use strict";
// Shared by the dashboard's pages. Every value from the API reaches the page through
// textContent or attributes set one by one, never as HTML, so names show as typed.
window.dash = (() => {
  async function call(method, url, body) {
    const init = { method, credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(url, init);
    let data = null;
    if (resp.status !== 204) {
      try { data = await resp.json(); } catch (_) { data = null; }
    }
    if (!resp.ok) {
      const message = (data && (data.message || (data.error && data.error.message))) || resp.statusText;
      const err = new Error(`${resp.status}: ${message}`);
      err.status = resp.status;
      throw err;
    }
    return data;
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function when(iso) {
    if (!iso) return "never";
    return iso.replace("T", " ").replace(/\.\d+/, "").replace("Z", " UTC");
  }

  // "1 call", "2 calls", "0 calls": every count on the pages goes through here.
  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many || `${one}s`}`;
  }

  const UNITS = [["year", 365 * 86400], ["month", 30 * 86400], ["day", 86400], ["hour", 3600], ["minute", 60]];

  // How long before `now` (the mock's clock, which tests may freeze: never the browser's) `iso` was.
  function ago(iso, now) {
    const seconds = (Date.parse(now) - Date.parse(iso)) / 1000;
    if (!(seconds >= 45)) return "just now"; // also a time a little after `now`
    for (const [unit, size] of UNITS) {
      const count = Math.round(seconds / size);
      if (count >= 1 && seconds >= size * 0.75) return `${plural(count, unit)} ago`;
    }
    return "1 minute ago";
  }

  // A relative time with the exact one on hover and for assistive technology, or "never".
  function timeEl(iso, now) {
    if (!iso) return el("span", { text: "never" });
    return el("time", { datetime: iso, title: when(iso), text: ago(iso, now) });
  }

  function setStatus(text, isError) {
    const status = document.getElementById("status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function fields(root, values) {
    for (const [name, value] of Object.entries(values)) {
      for (const node of root.querySelectorAll(`[data-field="${name}"]`)) node.textContent = value;
    }
  }

  return { call, el, when, plural, ago, timeEl, setStatus, fields };
})();
