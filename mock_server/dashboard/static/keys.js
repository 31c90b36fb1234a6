"use strict";
// Settings → API Keys: list, create (secret shown once), revoke, rotate.
// The secret lives only in the secret dialog's text while it is open: no variable keeps it,
// and closing the dialog (button, Escape, leaving the page) empties it.
(() => {
  const { call, el, when, setStatus, fields } = window.dash;
  const API = "/v1/auth/api-keys";
  const $ = (id) => document.getElementById(id);
  const createDialog = $("create-dialog");
  const rotateDialog = $("rotate-dialog");
  const secretDialog = $("secret-dialog");
  const revokeDialog = $("revoke-dialog");
  const secretValue = $("secret-value");
  const returnTo = new Map(); // dialog -> the control that gets focus back when it closes
  let pendingRevoke = null; // {id, name}
  let rotation = null; // {oldId, oldName, oldPrefix, newId, newName, newPrefix}: never a secret

  function open(dialog, focus, back) {
    returnTo.set(dialog, back || document.activeElement);
    dialog.showModal();
    if (focus) focus.focus();
  }

  function restoreFocus(dialog) {
    const back = returnTo.get(dialog);
    returnTo.delete(dialog);
    if (document.querySelector("dialog[open]")) return;
    (back && document.contains(back) ? back : $("open-create")).focus();
  }

  function showError(dialog, text) {
    const box = dialog.querySelector('[data-field="error"]');
    box.textContent = text || "";
    box.hidden = !text;
  }

  // --- the list ---------------------------------------------------------------------------
  function usageCell(summary) {
    if (!summary) return "–";
    const { lastHour, unusual } = summary;
    const text = lastHour.refused ? `${lastHour.calls} (${lastHour.refused} refused)` : String(lastHour.calls);
    return el("span", {}, text, unusual ? el("span", { class: "badge", text: "unusual" }) : null);
  }

  function keyRow(key, summary) {
    const label = (verb) => `${verb} ${key.name}`;
    return el("tr", { "data-key-id": key.id },
      el("td", { text: key.name }),
      el("td", {}, el("code", { text: `${key.prefix}…` })),
      el("td", {}, ...key.scopes.map((s) => el("code", { class: "scope-tag", text: s }))),
      el("td", { text: when(key.createdAt) }),
      el("td", { text: when(key.lastUsedAt) }),
      el("td", {}, usageCell(summary)),
      el("td", { class: "row-actions" },
        el("a", { href: `/dashboard/keys/${encodeURIComponent(key.id)}`, "aria-label": label("Usage of"), text: "Usage" }),
        el("button", { type: "button", class: "secondary", "aria-label": label("Rotate"), text: "Rotate",
          onclick: () => startRotation(key) }),
        el("button", { type: "button", class: "danger", "aria-label": label("Revoke"), text: "Revoke",
          onclick: () => confirmRevoke(key) })));
  }

  function revokedItem(key) {
    return el("li", {},
      el("span", { text: key.name }), " ", el("code", { text: `${key.prefix}…` }),
      ` revoked ${when(key.revokedAt)} · `,
      el("a", { href: `/dashboard/keys/${encodeURIComponent(key.id)}`, "aria-label": `Audit of ${key.name}`, text: "Audit" }));
  }

  async function load() {
    let keys;
    let usage = null;
    try {
      const [listed, used] = await Promise.all([call("GET", API), call("GET", "/_mock/usage").catch(() => null)]);
      keys = listed.data;
      usage = used;
    } catch (err) {
      if (err.status === 401) { window.location.assign("/dashboard"); return; }
      setStatus(`Could not load the keys: ${err.message}`, true);
      return;
    }
    const byId = new Map((usage ? usage.data : []).map((u) => [u.id, u]));
    $("key-rows").replaceChildren(...keys.map((k) => keyRow(k, byId.get(k.id))));
    $("no-keys").hidden = keys.length > 0;
    const revoked = (usage ? usage.data : []).filter((u) => u.revokedAt);
    $("revoked-list").replaceChildren(...revoked.map(revokedItem));
    $("revoked").hidden = revoked.length === 0;
    renderRotation(keys);
  }

  // --- create -----------------------------------------------------------------------------
  $("open-create").addEventListener("click", () => {
    $("create-form").reset();
    showError(createDialog, "");
    open(createDialog, $("key-name"));
  });

  async function createKey(dialog, name, scopes) {
    if (!name.trim()) { showError(dialog, "Enter a name."); return null; }
    if (!scopes.length) { showError(dialog, "Choose at least one scope."); return null; }
    try {
      return await call("POST", API, { name, scopes });
    } catch (err) {
      showError(dialog, `The key was not created: ${err.message}`);
      return null;
    }
  }

  $("create-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    const scopes = [...form.querySelectorAll('input[name="scopes"]:checked')].map((box) => box.value);
    const created = await createKey(createDialog, form.elements.name.value, scopes);
    if (!created) return;
    const back = returnTo.get(createDialog);
    createDialog.close();
    showSecret(created.secret, false, back);
    setStatus(`Key “${created.name}” created.`);
    load();
  });

  // --- the one-time secret ----------------------------------------------------------------
  function showSecret(secret, rotating, back) {
    secretValue.textContent = secret;
    $("copy-status").textContent = "";
    $("secret-rotation").hidden = !rotating;
    open(secretDialog, $("copy-secret"), back);
  }

  function forgetSecret() {
    secretValue.textContent = "";
    $("copy-status").textContent = "";
  }

  $("copy-secret").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secretValue.textContent);
      $("copy-status").textContent = "Copied to the clipboard.";
    } catch (_) {
      const range = document.createRange();
      range.selectNodeContents(secretValue);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      $("copy-status").textContent = "Selected: press Ctrl+C to copy.";
    }
  });
  // Emptied at once on every way out (button, Escape), not only when the close event arrives.
  $("close-secret").addEventListener("click", () => {
    forgetSecret();
    secretDialog.close();
  });
  secretDialog.addEventListener("cancel", forgetSecret);
  secretDialog.addEventListener("close", () => {
    forgetSecret();
    window.getSelection().removeAllRanges();
    restoreFocus(secretDialog);
  });
  // Leaving the page (reload, navigation, back/forward cache) takes the secret with it.
  window.addEventListener("pagehide", () => {
    forgetSecret();
    if (secretDialog.open) secretDialog.close();
  });

  // --- revoke -----------------------------------------------------------------------------
  function confirmRevoke(key) {
    pendingRevoke = { id: key.id, name: key.name };
    fields(revokeDialog, { name: key.name, prefix: `${key.prefix}…` });
    revokeDialog.returnValue = "";
    open(revokeDialog, revokeDialog.querySelector("[autofocus]"));
  }

  revokeDialog.addEventListener("close", async () => {
    const target = pendingRevoke;
    pendingRevoke = null;
    restoreFocus(revokeDialog);
    if (revokeDialog.returnValue !== "revoke" || !target) return;
    try {
      await call("DELETE", `${API}/${encodeURIComponent(target.id)}`);
      setStatus(`Key “${target.name}” revoked. Revocation is permanent.`);
      if (rotation && rotation.oldId === target.id) {
        rotation = null;
        setStatus(`Rotation complete: the old key “${target.name}” is revoked.`);
      }
    } catch (err) {
      setStatus(`The key was not revoked: ${err.message}`, true);
    }
    await load();
    if (!document.querySelector("dialog[open]")) $("open-create").focus();
  });

  // --- rotate -----------------------------------------------------------------------------
  let rotating = null; // the key being rotated while the rotate dialog is open

  function startRotation(key) {
    rotating = key;
    $("rotate-form").reset();
    showError(rotateDialog, "");
    fields(rotateDialog, { scopes: key.scopes.join(", "), "old-name": key.name });
    $("rotate-name").value = key.name;
    open(rotateDialog, $("rotate-name"));
  }

  $("rotate-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const old = rotating;
    if (!old) return;
    const created = await createKey(rotateDialog, $("rotate-name").value, old.scopes);
    if (!created) return;
    rotation = { oldId: old.id, oldName: old.name, oldPrefix: old.prefix,
      newId: created.id, newName: created.name, newPrefix: created.prefix };
    const back = returnTo.get(rotateDialog);
    rotateDialog.close();
    rotating = null;
    showSecret(created.secret, true, back);
    $("rotation-confirm").checked = false;
    $("rotation-revoke").disabled = true;
    load();
  });

  function renderRotation(keys) {
    const panel = $("rotation");
    const old = rotation && keys.find((k) => k.id === rotation.oldId);
    const fresh = rotation && keys.find((k) => k.id === rotation.newId);
    if (!old || !fresh) { panel.hidden = true; if (rotation && !old) rotation = null; return; }
    fields(panel, { "new-name": fresh.name, "new-prefix": `${fresh.prefix}…`, "old-name": old.name,
      "old-prefix": `${old.prefix}…`, "new-used": when(fresh.lastUsedAt) });
    panel.hidden = false;
    panel.dataset.old = old.id;
  }

  $("rotation-confirm").addEventListener("change", (event) => {
    $("rotation-revoke").disabled = !event.target.checked;
  });
  $("rotation-refresh").addEventListener("click", () => load());
  $("rotation-revoke").addEventListener("click", () => {
    if (!rotation) return;
    confirmRevoke({ id: rotation.oldId, name: rotation.oldName, prefix: rotation.oldPrefix });
  });

  for (const dialog of [createDialog, rotateDialog]) {
    dialog.querySelector('[data-action="cancel"]').addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      if (dialog === rotateDialog) rotating = null;
      restoreFocus(dialog);
    });
  }

  // The page's controls start disabled so that a click before this script wired them waits (or
  // is refused visibly) instead of doing nothing.
  for (const id of ["open-create", "rotation-confirm", "rotation-refresh"]) $(id).disabled = false;
  load();
})();
