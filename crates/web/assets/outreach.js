// Offline drafts of outreach activities. Without this script the form is a plain HTML form
// (POST, then a redirect) and works the same, online.
//
// With it: a form sent without a network is kept on the device as a draft and sent when the
// network is back. Drafts are encrypted with AES-GCM under a key the server derives from the
// session (data-draft-key): the key is never stored on the device, a new sign-in gets a new key,
// and sign-out wipes the drafts (here and with the server's Clear-Site-Data). Each form carries
// a submission id: sending a draft twice finds the first record instead of making another.
// Drafts of an edit carry the version they were made from: if the record changed meanwhile the
// server keeps the edit as a conflict to resolve (409), never sent over the other edit.
(function () {
  var status = document.getElementById("drafts-status");
  if (!status || !window.indexedDB || !window.crypto || !window.crypto.subtle || !window.fetch) { return; }
  var DB = "passerelle-outreach";
  var form = document.querySelector("form[data-offline-drafts]");
  var keyPromise = null;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/outreach/sw.js", { scope: "/outreach/" }).catch(function () {});
  }

  function key() {
    if (!keyPromise) {
      var hex = status.getAttribute("data-draft-key") || "";
      var raw = new Uint8Array(hex.length / 2);
      for (var i = 0; i < raw.length; i++) { raw[i] = parseInt(hex.substr(i * 2, 2), 16); }
      keyPromise = crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    }
    return keyPromise;
  }

  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open(DB, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("drafts", { keyPath: "id" }); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }

  function store(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction("drafts", mode);
        var req = fn(tx.objectStore("drafts"));
        tx.oncomplete = function () { d.close(); resolve(req && req.result); };
        tx.onerror = function () { d.close(); reject(tx.error); };
      });
    });
  }

  function seal(entries) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(entries));
    return key().then(function (k) { return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, k, plain); })
      .then(function (data) { return { iv: iv, data: data }; });
  }

  function open(draft) {
    return key().then(function (k) { return crypto.subtle.decrypt({ name: "AES-GCM", iv: draft.iv }, k, draft.data); })
      .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
  }

  function say(attr, n) {
    var text = status.getAttribute(attr) || "";
    status.textContent = text.replace("%n", String(n));
  }

  function entriesOf(f) {
    var out = [];
    new FormData(f).forEach(function (v, k) { if (typeof v === "string") { out.push([k, v]); } });
    return out;
  }

  function post(action, entries) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return fetch(action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": meta ? meta.content : "", "Accept": "application/json" },
      body: new URLSearchParams(entries)
    });
  }

  function saveDraft(action, entries) {
    var sid = "";
    entries.forEach(function (e) { if (e[0] === "submission_id") { sid = e[1]; } });
    return seal(entries).then(function (s) {
      return store("readwrite", function (os) {
        return os.put({ id: sid || String(Date.now()), action: action, iv: s.iv, data: s.data, state: "pending" });
      });
    });
  }

  function freshId() {
    var input = form && form.querySelector('input[name="submission_id"]');
    if (input && form.hasAttribute("data-new") && crypto.randomUUID) { input.value = crypto.randomUUID(); }
  }

  var syncing = false;
  function sync() {
    if (syncing || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    var sent = 0;
    return store("readonly", function (os) { return os.getAll(); }).then(function (drafts) {
      var chain = Promise.resolve();
      (drafts || []).filter(function (d) { return d.state === "pending"; }).forEach(function (d) {
        chain = chain.then(function () {
          return open(d).then(function (entries) {
            return post(d.action, entries).then(function (r) {
              if (r.status === 200 || r.status === 201) {
                sent++;
                return store("readwrite", function (os) { return os["delete"](d.id); });
              }
              if (r.status === 409) {
                // An edit that came too late is kept by the server as a conflict to resolve
                // (/outreach/conflicts): the draft is no longer needed on the device.
                return r.json().then(function (p) {
                  if (p && p.conflict) { sent++; return store("readwrite", function (os) { return os["delete"](d.id); }); }
                  d.state = "conflict";
                  return store("readwrite", function (os) { return os.put(d); });
                }, function () {
                  d.state = "conflict";
                  return store("readwrite", function (os) { return os.put(d); });
                });
              }
              if (r.status === 422) {
                d.state = "invalid";
                return store("readwrite", function (os) { return os.put(d); });
              }
            });
          }, function () {
            // Sealed under another session's key: unreadable now, so of no use to anyone.
            return store("readwrite", function (os) { return os["delete"](d.id); });
          });
        });
      });
      return chain;
    }).then(report, report).then(function () {
      syncing = false;
      if (sent > 0) { say("data-msg-synced", sent); }
    });
  }

  function report() {
    return store("readonly", function (os) { return os.getAll(); }).then(function (drafts) {
      drafts = drafts || [];
      var pending = drafts.filter(function (d) { return d.state === "pending"; }).length;
      var stuck = drafts.length - pending;
      if (stuck > 0) { say("data-msg-stuck", stuck); }
      else if (pending > 0) { say("data-msg-pending", pending); }
    });
  }

  if (form) {
    freshId();
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var action = form.getAttribute("action");
      var entries = entriesOf(form);
      var button = form.querySelector('button[type="submit"]');
      if (button) { button.disabled = true; }
      var done = function () { if (button) { button.disabled = false; } };
      var keep = function () {
        return saveDraft(action, entries).then(function () {
          say("data-msg-saved", 1);
          if (form.hasAttribute("data-new")) { form.reset(); freshId(); }
          done();
        });
      };
      if (!navigator.onLine) { keep(); return; }
      post(action, entries).then(function (r) {
        if (r.status === 200 || r.status === 201) {
          return r.json().then(function (d) { window.location.href = d.location; });
        }
        // Refused (a problem to fix, a conflict): the plain form shows the server's page.
        done();
        form.submit();
      }, keep);
    });
  }
  window.addEventListener("online", sync);
  sync();
})();
