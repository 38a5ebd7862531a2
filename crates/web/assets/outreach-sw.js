// The outreach service worker: keeps the activity form and its scripts so that the form opens
// without a network. It stores no answers: drafts are kept, encrypted, by outreach.js.
// Everything it keeps is wiped at sign-out (the server sends Clear-Site-Data).
var CACHE = "passerelle-outreach-v1";
var KEPT = ["/outreach/activities/new", "/assets/app.css", "/assets/app.js", "/assets/outreach.js"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(KEPT); })
    .catch(function () { /* signed out or offline: kept on the next visit */ })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// Network first, so that a connected agent always gets the current form; the kept copy only
// when the network fails.
self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin || KEPT.indexOf(url.pathname) < 0) { return; }
  event.respondWith(fetch(req).then(function (res) {
    if (res.ok && !res.redirected) {
      var copy = res.clone();
      caches.open(CACHE).then(function (c) { return c.put(url.pathname, copy); });
    }
    return res;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) { return hit || Response.error(); });
  }));
});
