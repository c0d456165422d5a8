// Voces service worker, scope /s/: keeps the survey pages this phone has
// opened, and the stylesheet and script, so a dead zone does not lose the
// survey. Network first, so a family always gets the newest page when it can.
// It keeps nothing else: the thank-you page and staff pages are never stored,
// and survey.js deletes a survey's pages once its answers are confirmed.
"use strict";
var CACHE = "voces-pages";
var ASSETS = ["/static/css/voces.css", "/static/js/survey.js"];

function keep(url) {
  if (url.origin !== self.location.origin) return false;
  if (ASSETS.indexOf(url.pathname) >= 0) return true;
  return /^\/s\/[^/]+/.test(url.pathname) && !/(\/thanks|\.js)$/.test(url.pathname);
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(ASSETS);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !keep(new URL(request.url))) return;
  event.respondWith(
    fetch(request).then(
      function (response) {
        if (response.ok && !response.redirected && response.type === "basic") {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) {
            cache.put(request, copy);
          });
        }
        return response;
      },
      function () {
        return caches.open(CACHE).then(function (cache) {
          return cache.match(request, { ignoreVary: true }).then(function (hit) {
            return hit || cache.match(request, { ignoreVary: true, ignoreSearch: true });
          }).then(function (hit) {
            return hit || Response.error();
          });
        });
      }
    )
  );
});
