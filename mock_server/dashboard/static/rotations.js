"use strict";
// Rotations in progress: one panel per old key whose successor is active beside it. A rotation outlives
// a reload and the tab: the browser keeps, per organisation, only the two keys' ids (never a secret,
// nor a name, which the list supplies fresh). It ends when either key is revoked, or on "Keep both keys".
window.rotations = (() => {
  const { timeEl, fields } = window.dash;
  const org = document.getElementById("main").dataset.orgId;
  const STORE = `eulabel-mock:rotations:${org}`;
  const MAX_NAME = 100;
  let unsaved = []; // where storage is off (private mode, a policy): this page's rotations only
  const confirmed = new Set(); // old keys whose "The new key works" is ticked, across redraws

  function read() {
    try {
      const kept = JSON.parse(window.localStorage.getItem(STORE) || "[]");
      return Array.isArray(kept) ? kept.filter((r) => r && typeof r.oldId === "string" && typeof r.newId === "string") : [];
    } catch (_) {
      return unsaved;
    }
  }

  function write(list) {
    unsaved = list;
    try {
      if (list.length) window.localStorage.setItem(STORE, JSON.stringify(list));
      else window.localStorage.removeItem(STORE);
    } catch (_) { /* kept in `unsaved` */ }
  }

  function start(oldId, newId) {
    write([...read().filter((r) => r.oldId !== oldId), { oldId, newId }]);
  }

  function end(oldId) {
    const list = read();
    const ended = list.find((r) => r.oldId === oldId);
    write(list.filter((r) => r.oldId !== oldId));
    return ended || null;
  }

  // "Backend" rotated on 2026-12-04 becomes "Backend (rotated 2026-12-04)", then "… (rotated 2026-12-04, 2)"
  // if that name is taken; a name that already says when it was rotated gets the new date instead.
  function defaultName(name, taken, now) {
    const base = name.replace(/ \(rotated \d{4}-\d{2}-\d{2}(?:, \d+)?\)$/, "");
    const day = now.slice(0, 10);
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? ` (rotated ${day})` : ` (rotated ${day}, ${n})`;
      // Lengths as the API counts them, in code points.
      const candidate = [...base].slice(0, MAX_NAME - suffix.length).join("") + suffix;
      if (!taken.has(candidate)) return candidate;
    }
  }

  function panel(rotation, old, fresh, now, actions) {
    const section = document.getElementById("rotation-template").content.firstElementChild.cloneNode(true);
    const title = `rotation-${old.id}`;
    section.setAttribute("aria-labelledby", title);
    section.dataset.old = old.id;
    section.querySelector("h2").id = title;
    fields(section, { title: `Rotation in progress: ${old.name}`, "new-name": fresh.name, "new-prefix": `${fresh.prefix}…`,
      "old-name": old.name, "old-prefix": `${old.prefix}…` });
    section.querySelector('[data-field="new-used"]').replaceChildren(timeEl(fresh.lastUsedAt, now));
    const confirm = section.querySelector('[data-action="confirm"]');
    const revoke = section.querySelector('[data-action="revoke-old"]');
    confirm.checked = confirmed.has(old.id);
    revoke.disabled = !confirm.checked;
    confirm.addEventListener("change", () => {
      if (confirm.checked) confirmed.add(old.id);
      else confirmed.delete(old.id);
      revoke.disabled = !confirm.checked;
    });
    revoke.addEventListener("click", () => actions.revoke(old));
    section.querySelector('[data-action="refresh"]').addEventListener("click", () => actions.refresh());
    section.querySelector('[data-action="keep-both"]').addEventListener("click", () => actions.keepBoth(old, fresh));
    return section;
  }

  // keys: the active keys. A rotation whose old or new key is gone (revoked) is over and forgotten.
  function render(keys, now, actions) {
    const active = new Map(keys.map((k) => [k.id, k]));
    const open = read().filter((r) => active.has(r.oldId) && active.has(r.newId));
    if (open.length !== read().length) write(open);
    const container = document.getElementById("rotations");
    const focused = container.contains(document.activeElement) ? document.activeElement.dataset.action : null;
    const focusedIn = focused && document.activeElement.closest("section").dataset.old;
    container.replaceChildren(...open.map((r) => panel(r, active.get(r.oldId), active.get(r.newId), now, actions)));
    if (focusedIn) { // a refresh redraws the panel under the keyboard: keep the focus where it was
      const again = container.querySelector(`section[data-old="${CSS.escape(focusedIn)}"] [data-action="${focused}"]`);
      if (again) again.focus();
    }
  }

  return { start, end, defaultName, render };
})();
