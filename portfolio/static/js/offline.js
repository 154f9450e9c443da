// Offline drafts (progressive enhancement; issue 15). A new entry saved without connection is
// kept in IndexedDB on this device, shown as "nog niet verzonden", and sent when the connection
// returns or the app is next opened — once: each draft keeps the form's one-time token
// (`form_token`, when the page has one) for every attempt, and one tab sends at a time
// (Web Locks). No Background Sync (iOS lacks it). Log-out deletes the drafts and the caches.
(() => {
  const DB_NAME = "vakbekwaam";
  const STORE = "drafts";
  const SKIP = new Set(["csrf_token", "certificate", "pending_file_id", "privacy_confirmed"]);

  let loggingOut = false; // once the log-out is posted, nothing opens (re-creates) the drafts
  function openDb() {
    return new Promise((resolve, reject) => {
      if (loggingOut) {
        reject(new Error("logging out"));
        return;
      }
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function withStore(mode, work) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const result = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const allDrafts = () => withStore("readonly", (store) => store.getAll());
  const putDraft = (draft) => withStore("readwrite", (store) => store.put(draft));
  const deleteDraft = (id) => withStore("readwrite", (store) => store.delete(id));

  // The signed-in person (the offline page has no session: it uses the last one seen here).
  const currentUser = () => document.body.dataset.user || localStorage.getItem("vakbekwaam-user");
  const panel = () => document.querySelector("[data-unsent]");

  function say(template, title) {
    return (template || "").replace("{title}", title);
  }

  async function render(message) {
    const box = panel();
    // Nobody signed in on this device (after log-out): do not even open, and so re-create,
    // the database.
    if (!box || !currentUser()) return;
    let drafts = [];
    try {
      drafts = await allDrafts();
    } catch (error) {
      return;
    }
    const user = currentUser();
    if (user) drafts = drafts.filter((draft) => draft.user === user);
    box.replaceChildren();
    if (message) {
      const note = document.createElement("p");
      note.setAttribute("role", "status");
      note.textContent = message;
      box.append(note);
    }
    if (drafts.length) {
      const heading = document.createElement("h2");
      heading.textContent = box.dataset.title;
      const explain = document.createElement("p");
      explain.className = "hint";
      explain.textContent = box.dataset.explain;
      const list = document.createElement("ul");
      for (const draft of drafts) {
        const item = document.createElement("li");
        item.dataset.draft = draft.id;
        const status = document.createElement("strong");
        status.className = "unsent-label";
        status.textContent = box.dataset.title;
        const day = draft.fields.occurred_on ? new Date(`${draft.fields.occurred_on}T12:00`) : null;
        const when = day && !Number.isNaN(day.getTime()) ? day.toLocaleDateString(document.documentElement.lang || "nl") : "";
        item.append(status, ` — ${draft.fields.title || "?"}${when ? ` (${when})` : ""}`);
        if (draft.problem) {
          const problem = document.createElement("p");
          problem.className = "error";
          problem.textContent = box.dataset.problem;
          const open = document.createElement("a");
          open.href = `/portfolio/entries/new/${draft.kind}#draft-${draft.id}`;
          open.textContent = box.dataset.open;
          item.append(problem, open);
        }
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link-button";
        remove.textContent = box.dataset.remove;
        remove.addEventListener("click", async () => {
          await deleteDraft(draft.id);
          render();
        });
        item.append(" ", remove);
        list.append(item);
      }
      box.append(heading, explain, list);
    }
    box.hidden = !message && !drafts.length;
  }

  async function keep(kind, fields, formToken) {
    const draft = { kind, fields, formToken: formToken || null, user: currentUser(), savedAt: new Date().toISOString() };
    await putDraft(draft);
    return draft;
  }

  // One draft, sent through the ordinary form: a fresh CSRF token from the form page, the
  // draft's own one-time token (fetched once and kept with the draft, so a retry after a lost
  // answer is recognised by the server and never makes a second entry).
  async function sendOne(draft) {
    const url = `/portfolio/entries/new/${draft.kind}`;
    const page = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!page.ok || !new URL(page.url).pathname.startsWith("/portfolio/")) return "later";
    const doc = new DOMParser().parseFromString(await page.text(), "text/html");
    const csrf = doc.querySelector("input[name=csrf_token]");
    if (!csrf) return "later";
    if (!draft.formToken) {
      const token = doc.querySelector("input[name=form_token]");
      if (token) {
        draft.formToken = token.value;
        await putDraft(draft);
      }
    }
    const body = new FormData();
    body.append("csrf_token", csrf.value);
    if (draft.formToken) body.append("form_token", draft.formToken);
    for (const [name, values] of Object.entries(draft.fields)) {
      for (const value of [].concat(values)) body.append(name, value);
    }
    const answer = await fetch(url, { method: "POST", body, credentials: "same-origin" });
    const path = new URL(answer.url).pathname;
    if (answer.ok && answer.redirected && /^\/portfolio\/entries\/\d+/.test(path)) return "sent";
    if (answer.ok && path === url) return "problem"; // the form came back with a question
    return "later";
  }

  let sending = false;
  async function sendAll() {
    const user = currentUser();
    if (!user || !navigator.onLine || sending) return;
    sending = true;
    const run = async () => {
      const sent = [];
      for (const draft of await allDrafts()) {
        if (draft.user !== user) {
          await deleteDraft(draft.id); // another person's, left on a shared device
          continue;
        }
        if (draft.problem) continue;
        let outcome = "later";
        try {
          outcome = await sendOne(draft);
        } catch (error) {
          outcome = "later";
        }
        if (outcome === "sent") {
          await deleteDraft(draft.id);
          sent.push(draft.fields.title);
        } else if (outcome === "problem") {
          draft.problem = true;
          await putDraft(draft);
        } else {
          break;
        }
      }
      return sent;
    };
    try {
      const sent = navigator.locks ? await navigator.locks.request("vakbekwaam-drafts", run) : await run();
      const box = panel();
      await render(sent.length && box ? sent.map((title) => say(box.dataset.sent, title)).join(" · ") : "");
    } finally {
      sending = false;
    }
  }

  function formFields(form) {
    const fields = {};
    for (const [name, value] of new FormData(form).entries()) {
      if (SKIP.has(name) || name === "form_token" || typeof value !== "string") continue;
      fields[name] = name in fields ? [].concat(fields[name], value) : value;
    }
    return fields;
  }

  // Started while the log-out is posted (not awaited: the log-out must not wait for it); the
  // server's Clear-Site-Data answer and the log-in page after it clear the rest.
  function clearEverything() {
    loggingOut = true;
    try {
      localStorage.removeItem("vakbekwaam-user");
      indexedDB.deleteDatabase(DB_NAME);
      navigator.serviceWorker?.controller?.postMessage("clear");
      if (window.caches) caches.keys().then((keys) => keys.forEach((key) => caches.delete(key)));
    } catch (error) {
      // Nothing to clear, or no access: the server's answer clears it.
    }
  }

  // A draft that the server sent back with a question opens in its form again.
  async function refill(form) {
    const match = /^#draft-(\d+)$/.exec(location.hash);
    if (!match) return;
    const draft = (await allDrafts()).find((d) => String(d.id) === match[1]);
    if (!draft) return;
    for (const [name, value] of Object.entries(draft.fields)) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field && !Array.isArray(value)) field.value = value;
    }
    await deleteDraft(draft.id);
  }

  document.addEventListener("DOMContentLoaded", () => {
    // The app (service worker and its cache) is there for a signed-in person only: a page
    // without one (after log-out) takes it away, except the offline page the worker serves.
    if ("serviceWorker" in navigator) {
      if (document.body.dataset.user) {
        navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
      } else if (!("offlinePage" in document.body.dataset)) {
        navigator.serviceWorker.getRegistrations().then((all) => all.forEach((r) => r.unregister()));
        if (window.caches) caches.keys().then((keys) => keys.forEach((key) => caches.delete(key)));
      }
    }
    if (document.body.dataset.user) localStorage.setItem("vakbekwaam-user", document.body.dataset.user);
    const logout = document.querySelector("form[data-logout]");
    if (logout) {
      logout.addEventListener("submit", clearEverything);
    }
    const entryForm = document.querySelector("form[data-entry-form]");
    if (entryForm) {
      const note = entryForm.querySelector("[data-offline-note]");
      const showNote = () => { if (note) note.hidden = navigator.onLine; };
      window.addEventListener("online", showNote);
      window.addEventListener("offline", showNote);
      showNote();
      refill(entryForm);
      entryForm.addEventListener("submit", async (event) => {
        if (navigator.onLine) return;
        event.preventDefault();
        const fields = formFields(entryForm);
        const token = entryForm.querySelector("input[name=form_token]");
        await keep(entryForm.dataset.kind, fields, token && token.value);
        entryForm.reset();
        const box = panel();
        await render(say(box && box.dataset.kept, fields.title || ""));
        box?.scrollIntoView();
      });
    }
    const offlineForm = document.querySelector("form[data-offline-form]");
    if (offlineForm && !currentUser()) offlineForm.hidden = true; // nobody signed in here
    if (offlineForm) {
      offlineForm.addEventListener("submit", async (event) => {
        event.preventDefault();
        const fields = formFields(offlineForm);
        const kind = fields.kind === "training" ? "training" : "reflection";
        delete fields.kind;
        if (kind === "reflection") fields.structure = "free";
        await keep(kind, fields, null);
        offlineForm.reset();
        const box = panel();
        await render(say(box && box.dataset.kept, fields.title || ""));
      });
    }
    window.addEventListener("online", sendAll);
    render().then(sendAll);
  });
})();
