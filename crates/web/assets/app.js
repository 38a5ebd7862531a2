// Passerelle works without this file: every page is plain HTML forms. The script only makes
// some pages answer sooner (its requests carry the CSRF token of the page's meta tag).

// A form being filled hides and shows its questions as the answers change. The server says
// which apply, with the very rules it validates with; without this script the same happens
// when the person presses a button.
(function () {
  var form = document.querySelector("form.xlsform[data-relevance]");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) { return; }
  var timer = null;
  var sent = 0;
  function refresh() {
    var mine = ++sent;
    var meta = document.querySelector('meta[name="csrf-token"]');
    fetch(form.getAttribute("data-relevance"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": meta ? meta.content : "", "Accept": "application/json" },
      body: new URLSearchParams(new FormData(form))
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      // An older answer arriving late must not undo a newer one.
      if (!data || mine !== sent) { return; }
      var hidden = {};
      data.hidden.forEach(function (p) { hidden[p] = true; });
      Array.prototype.forEach.call(form.querySelectorAll("[data-path]"), function (el) {
        el.hidden = hidden[el.getAttribute("data-path")] === true;
      });
      form.querySelector('input[name="_hidden"]').value = data.hidden.join(" ");
      // Choice filters: offer only the choices that the answers so far let through.
      Object.keys(data.choices || {}).forEach(function (path) {
        var offered = {};
        data.choices[path].forEach(function (c) { offered[c] = true; });
        var question = form.querySelector('.question[data-path="' + path + '"]');
        if (!question) { return; }
        Array.prototype.forEach.call(question.querySelectorAll("[data-choice]"), function (el) {
          el.hidden = offered[el.getAttribute("data-choice")] !== true;
        });
      });
    }).catch(function () { /* offline: the server checks again on submit */ });
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 250); }
  form.addEventListener("change", later);
  form.addEventListener("input", later);
})();

// Signing out wipes the outreach drafts kept on this device (the server also asks the browser
// to, with Clear-Site-Data; this covers browsers that ignore it).
(function () {
  var signout = document.querySelector("form.signout");
  if (!signout || !window.indexedDB) { return; }
  signout.addEventListener("submit", function () {
    try { indexedDB.deleteDatabase("passerelle-outreach"); } catch (e) { /* nothing kept */ }
  });
})();
