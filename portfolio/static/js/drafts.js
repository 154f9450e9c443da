// Drafts: nothing typed is lost (progressive enhancement; every form works without this file).
//
// A form marked data-draft is saved as it is typed: every few seconds while typing and when a
// field is left, on the server (POST /drafts/save, private to its owner) and in this browser
// (localStorage, per user, cleared at log-out), so the text survives a lost connection or an
// ended session. Opening the form again brings the newest copy back, with a note and a button to
// throw it away. Before the idle timeout a warning offers to stay logged in (/drafts/keep-alive).
(() => {
  const PREFIX = "vakbekwaam-draft:";
  const body = document.body;
  const user = body.dataset.user || "";
  const texts = JSON.parse(body.dataset.draftTexts || "{}");
  const csrf = () => (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  const store = (() => {
    try {
      const probe = `${PREFIX}probe`;
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (_error) {
      return null;
    }
  })();

  const clearAll = (keep) => {
    if (!store) return;
    for (let i = store.length - 1; i >= 0; i -= 1) {
      const key = store.key(i);
      if (key && key.startsWith(PREFIX) && !(keep && key.startsWith(keep))) store.removeItem(key);
    }
  };

  // Log-out forgets every copy in this browser; a logged-in page forgets other people's copies.
  document.querySelectorAll("form[data-logout]").forEach((form) => {
    form.addEventListener("submit", () => clearAll(null));
  });
  if (user) clearAll(`${PREFIX}${user}:`);
  if (user && body.dataset.draftSaved && store) {
    store.removeItem(`${PREFIX}${user}:${body.dataset.draftSaved}`);
  }

  const post = (url, payload) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(payload || {}),
    });

  // --- the idle-timeout warning --------------------------------------------------------------
  let idle = Number(body.dataset.idleSeconds || 0) * 1000; // left, from the last-seen time
  const warnBefore = Number(body.dataset.warnSeconds || 0) * 1000;
  let warnTimer = null;
  let endTimer = null;
  let warning = null;
  const hideWarning = () => {
    if (warning) warning.hidden = true;
  };
  const showWarning = (ended) => {
    if (!warning) {
      warning = document.createElement("div");
      warning.className = "session-warning";
      warning.setAttribute("role", "alertdialog");
      warning.setAttribute("aria-live", "assertive");
      warning.setAttribute("aria-labelledby", "session-warning-text");
      const text = document.createElement("p");
      text.id = "session-warning-text";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button primary";
      button.textContent = texts.stay || "Stay logged in";
      button.addEventListener("click", () => {
        post("/drafts/keep-alive").then((response) => {
          if (response.ok) {
            response.json().then((answer) => {
              idle = Number(answer.idle_seconds || 0) * 1000; // a whole idle period again
              hideWarning();
              restartTimers();
            });
          } else {
            showWarning(true);
          }
        });
      });
      warning.append(text, button);
      document.body.append(warning);
    }
    warning.querySelector("p").textContent = ended ? texts.ended : texts.warning;
    warning.querySelector("button").hidden = ended;
    warning.hidden = false;
    if (!ended) warning.querySelector("button").focus();
  };
  const restartTimers = () => {
    if (!user || !idle) return;
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(() => showWarning(false), Math.max(idle - warnBefore, 0));
    endTimer = window.setTimeout(() => showWarning(true), idle);
  };
  restartTimers();

  // --- drafts --------------------------------------------------------------------------------
  const serialize = (form) => {
    const fields = {};
    for (const [name, value] of new FormData(form)) {
      if (name === "csrf_token" || name === "draft_key" || typeof value !== "string") continue;
      (fields[name] = fields[name] || []).push(value);
    }
    return fields;
  };
  const typed = (fields) =>
    Object.entries(fields).some(
      ([name, values]) =>
        !["form_token", "version"].includes(name) && values.some((v) => v.trim() !== ""),
    );
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const fill = (form, fields) => {
    for (const element of form.elements) {
      const name = element.name;
      if (!name || name === "csrf_token" || name === "form_token" || name === "version") continue;
      if (element.type === "file" || element.type === "submit" || element.type === "button") {
        continue;
      }
      const values = fields[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.multiple) {
        for (const option of element.options) option.selected = values.includes(option.value);
      } else if (name in fields) {
        element.value = values[0] || "";
      }
      element.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };
  const clock = (iso) => {
    const when = new Date(iso);
    return Number.isNaN(when.getTime())
      ? ""
      : when.toLocaleTimeString(document.documentElement.lang || "nl", {
          hour: "2-digit",
          minute: "2-digit",
        });
  };

  document.querySelectorAll("form[data-draft]").forEach((form) => {
    const key = form.dataset.draft || window.location.pathname;
    const storageKey = `${PREFIX}${user || "anonymous"}:${key}`;
    const marker = document.createElement("input");
    marker.type = "hidden";
    marker.name = "draft_key";
    marker.value = key;
    form.append(marker);
    const status = document.createElement("p");
    status.className = "draft-status";
    status.setAttribute("aria-live", "polite");
    const submit = form.querySelector("[type=submit]");
    (submit ? submit.parentNode : form).insertBefore(status, submit ? submit.nextSibling : null);

    const original = serialize(form);
    let dirty = false;
    let timer = null;
    let last = JSON.stringify(original);

    const save = () => {
      window.clearTimeout(timer);
      timer = null;
      const fields = serialize(form);
      const now = new Date().toISOString();
      if (JSON.stringify(fields) === last) return;
      last = JSON.stringify(fields);
      dirty = false;
      if (store) store.setItem(storageKey, JSON.stringify({ saved_at: now, fields }));
      if (!user) {
        status.textContent = (texts.local || "").replace("%(time)s", clock(now));
        return;
      }
      post("/drafts/save", { key, fields })
        .then((response) => {
          if (response.ok) {
            restartTimers();
            status.textContent = (texts.saved || "").replace("%(time)s", clock(now));
          } else {
            status.textContent = (texts.local || "").replace("%(time)s", clock(now));
            if (response.type === "opaqueredirect") showWarning(true);
          }
        })
        .catch(() => {
          status.textContent = (texts.local || "").replace("%(time)s", clock(now));
        });
    };
    const later = () => {
      dirty = true;
      if (!timer) timer = window.setTimeout(save, Number(body.dataset.draftSaveSeconds || 5) * 1000);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("focusout", () => {
      if (dirty) save();
    });
    form.addEventListener("submit", () => {
      const fields = serialize(form);
      if (store) store.setItem(storageKey, JSON.stringify({ saved_at: new Date().toISOString(), fields }));
    });

    // A form shown again after a refused save holds what was just posted: newer than any draft.
    if (document.querySelector(".error-summary")) return;
    const local = (() => {
      try {
        return store ? JSON.parse(store.getItem(storageKey) || "null") : null;
      } catch (_error) {
        return null;
      }
    })();
    const fromServer = user
      ? fetch(`/drafts/load?key=${encodeURIComponent(key)}`, {
          credentials: "same-origin",
          redirect: "manual",
        })
          .then((response) => (response.ok ? response.json() : null))
          .catch(() => null)
      : Promise.resolve(null);
    fromServer.then((server) => {
      const candidates = [local, server].filter((c) => c && c.fields && c.saved_at);
      if (!candidates.length) return;
      candidates.sort((a, b) => (a.saved_at < b.saved_at ? 1 : -1));
      const newest = candidates[0];
      if (!typed(newest.fields) || same(newest.fields, original)) return;
      fill(form, newest.fields);
      last = JSON.stringify(serialize(form));
      const note = document.createElement("div");
      note.className = "draft-note";
      note.setAttribute("role", "status");
      const text = document.createElement("p");
      text.textContent = (texts.restored || "").replace("%(time)s", clock(newest.saved_at));
      const discard = document.createElement("button");
      discard.type = "button";
      discard.className = "link-button";
      discard.textContent = texts.discard || "Throw the draft away";
      discard.addEventListener("click", () => {
        fill(form, original);
        last = JSON.stringify(original);
        if (store) store.removeItem(storageKey);
        if (user) post(`/drafts/discard?key=${encodeURIComponent(key)}`);
        note.remove();
      });
      note.append(text, discard);
      form.parentNode.insertBefore(note, form);
    });
  });
})();
