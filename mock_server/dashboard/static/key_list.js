"use strict";
// The active keys as a table the user can search and sort, and the revoked keys below it. Search and
// sort live in the address (?q=&sort=&order=), so a reload or a shared link shows the same list.
window.keyList = (() => {
  const { el, when, plural, timeEl } = window.dash;
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(window.location.search);
  const view = { query: params.get("q") || "", sort: params.get("sort") || "created", order: params.get("order") || "asc" };
  const byName = new Intl.Collator("en", { sensitivity: "base", numeric: true });
  const SORTS = {
    name: (a, b) => byName.compare(a.key.name, b.key.name),
    created: (a, b) => a.key.createdAt.localeCompare(b.key.createdAt),
    // Never used sorts as the oldest use.
    used: (a, b) => (a.key.lastUsedAt || "").localeCompare(b.key.lastUsedAt || ""),
    calls: (a, b) => (a.usage ? a.usage.lastHour.calls : 0) - (b.usage ? b.usage.lastHour.calls : 0),
  };
  if (!SORTS[view.sort]) view.sort = "created";
  if (view.order !== "desc") view.order = "asc";
  let shown = { keys: [], usage: new Map(), now: null, actions: null };

  function keep() {
    const next = new URLSearchParams();
    if (view.query) next.set("q", view.query);
    if (view.sort !== "created" || view.order !== "asc") { next.set("sort", view.sort); next.set("order", view.order); }
    const search = next.toString();
    window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
  }

  function matches(key, words) {
    const text = [key.name, key.prefix, ...key.scopes].join(" ").toLowerCase();
    return words.every((word) => text.includes(word));
  }

  // The "unusual" badge opens to say what made the key unusual, the same words as its usage page.
  function unusualBadge(patterns) {
    const explained = patterns.map((p) => p.message);
    return el("details", { class: "unusual", title: explained.join(" ") },
      el("summary", { class: "badge", text: "unusual" }),
      el("ul", {}, ...explained.map((text) => el("li", { text }))));
  }

  function usageCell(summary) {
    if (!summary) return "–";
    const { lastHour, unusual } = summary;
    const text = lastHour.refused ? `${lastHour.calls} (${lastHour.refused} refused)` : String(lastHour.calls);
    return el("span", {}, text, unusual.length ? unusualBadge(unusual) : null);
  }

  function cell(label, ...children) {
    return el("td", { "data-label": label }, ...children);
  }

  function keyRow({ key, usage }) {
    const label = (verb) => `${verb} ${key.name}`;
    const created = el("time", { datetime: key.createdAt, title: when(key.createdAt), text: key.createdAt.slice(0, 10) });
    return el("tr", { "data-key-id": key.id },
      el("td", { "data-label": "Name", text: key.name }),
      cell("Key", el("code", { text: `${key.prefix}…` })),
      cell("Scopes", ...key.scopes.map((s) => el("code", { class: "scope-tag", text: s }))),
      cell("Created", created),
      cell("Last used", timeEl(key.lastUsedAt, shown.now)),
      cell("Calls (last hour)", usageCell(usage)),
      el("td", { class: "row-actions" },
        el("a", { href: `/dashboard/keys/${encodeURIComponent(key.id)}`, "aria-label": label("Usage of"), text: "Usage" }),
        el("button", { type: "button", class: "secondary", "aria-label": label("Rotate"), text: "Rotate",
          onclick: () => shown.actions.rotate(key) }),
        el("button", { type: "button", class: "danger", "aria-label": label("Revoke"), text: "Revoke",
          onclick: () => shown.actions.revoke(key) })));
  }

  function revokedItem(key) {
    return el("li", {},
      el("span", { text: key.name }), " ", el("code", { text: `${key.prefix}…` }),
      " revoked ", timeEl(key.revokedAt, shown.now), " · ",
      el("a", { href: `/dashboard/keys/${encodeURIComponent(key.id)}`, "aria-label": `Audit of ${key.name}`, text: "Audit" }));
  }

  function draw() {
    const words = view.query.toLowerCase().split(/\s+/).filter(Boolean);
    const rows = shown.keys.map((key) => ({ key, usage: shown.usage.get(key.id) })).filter((r) => matches(r.key, words));
    const direction = view.order === "desc" ? -1 : 1;
    rows.sort((a, b) => direction * SORTS[view.sort](a, b) || SORTS.created(a, b));
    $("key-rows").replaceChildren(...rows.map(keyRow));
    for (const button of document.querySelectorAll("button.sort")) {
      const sorted = button.dataset.sort === view.sort;
      button.closest("th").setAttribute("aria-sort", sorted ? (view.order === "asc" ? "ascending" : "descending") : "none");
    }
    const total = shown.keys.length;
    $("list-tools").hidden = total === 0;
    $("no-keys").hidden = total > 0;
    $("no-match").hidden = total === 0 || rows.length > 0;
    $("key-count").textContent = words.length ? `Showing ${rows.length} of ${plural(total, "key")}` : plural(total, "active key");
  }

  $("key-search").value = view.query;
  $("key-search").addEventListener("input", (event) => {
    view.query = event.target.value.trim();
    keep();
    draw();
  });
  for (const button of document.querySelectorAll("button.sort")) {
    button.addEventListener("click", () => {
      const same = view.sort === button.dataset.sort;
      view.order = same && view.order === "asc" ? "desc" : "asc";
      view.sort = button.dataset.sort;
      keep();
      draw();
    });
  }

  // keys: the active keys (GET /v1/auth/api-keys); usage: GET /_mock/usage, or null when it failed.
  function render(keys, usage, actions) {
    const all = usage ? usage.data : [];
    shown = { keys, usage: new Map(all.map((u) => [u.id, u])), now: usage ? usage.now : new Date().toISOString(), actions };
    draw();
    const revoked = all.filter((u) => u.revokedAt);
    $("revoked-list").replaceChildren(...revoked.map(revokedItem));
    $("revoked").hidden = revoked.length === 0;
    return shown.now;
  }

  return { render };
})();
