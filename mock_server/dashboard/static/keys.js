"use strict";
// Settings → API Keys: create (secret shown once), revoke, rotate; the list is key_list.js, rotations
// in progress rotations.js. The secret lives only in the secret dialog's text while it is open: no
// variable keeps it, and closing the dialog (button, Escape, leaving the page) empties it.
// The status line says what the last action did; opening a dialog starts a new action and clears it.
(() => {
  const { call, setStatus, fields } = window.dash;
  const { keyList, rotations } = window;
  const API = "/v1/auth/api-keys";
  const $ = (id) => document.getElementById(id);
  const createDialog = $("create-dialog");
  const rotateDialog = $("rotate-dialog");
  const secretDialog = $("secret-dialog");
  const revokeDialog = $("revoke-dialog");
  const secretValue = $("secret-value");
  const returnTo = new Map(); // dialog -> the control that gets focus back when it closes
  let pendingRevoke = null; // {id, name}
  let rotating = null; // the key being rotated while the rotate dialog is open
  let active = []; // the active keys as last listed
  let now = new Date().toISOString(); // the mock's clock as last read

  function open(dialog, focus, back) {
    returnTo.set(dialog, back || document.activeElement);
    if (dialog !== secretDialog) setStatus("");
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

  const rowActions = { rotate: startRotation, revoke: confirmRevoke };
  const panelActions = {
    revoke: confirmRevoke,
    refresh: () => load(),
    keepBoth(old, fresh) {
      rotations.end(old.id);
      setStatus(`Rotation of “${old.name}” closed: “${old.name}” and “${fresh.name}” both stay active.`);
      load();
      $("open-create").focus();
    },
  };

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
    active = keys;
    now = keyList.render(keys, usage, rowActions);
    rotations.render(keys, now, panelActions);
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
  function showSecret(secret, rotation, back) {
    secretValue.textContent = secret;
    $("copy-status").textContent = "";
    $("secret-rotation").hidden = !rotation;
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
      const rotation = rotations.end(target.id);
      setStatus(rotation
        ? `Rotation complete: the old key “${target.name}” is revoked. Revocation is permanent.`
        : `Key “${target.name}” revoked. Revocation is permanent.`);
    } catch (err) {
      setStatus(`The key “${target.name}” was not revoked: ${err.message}`, true);
    }
    await load();
    if (!document.querySelector("dialog[open]")) $("open-create").focus();
  });

  // --- rotate -----------------------------------------------------------------------------
  function startRotation(key) {
    rotating = key;
    $("rotate-form").reset();
    showError(rotateDialog, "");
    fields(rotateDialog, { scopes: key.scopes.join(", "), "old-name": key.name });
    $("rotate-name").value = rotations.defaultName(key.name, new Set(active.map((k) => k.name)), now);
    open(rotateDialog, $("rotate-name"));
    $("rotate-name").select();
  }

  $("rotate-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const old = rotating;
    if (!old) return;
    const created = await createKey(rotateDialog, $("rotate-name").value, old.scopes);
    if (!created) return;
    rotations.start(old.id, created.id);
    const back = returnTo.get(rotateDialog);
    rotateDialog.close();
    rotating = null;
    showSecret(created.secret, true, back);
    setStatus(`Rotation started: new key “${created.name}” created; the old key “${old.name}” stays active until you revoke it.`);
    load();
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
  $("open-create").disabled = false;
  load();
})();
