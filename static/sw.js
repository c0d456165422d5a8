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
  // Navigation preload: the page request starts while the worker wakes up.
  var preload = self.registration.navigationPreload;
  event.waitUntil(Promise.all([preload && preload.enable(), self.clients.claim()]));
});

function network(event) {
  return Promise.resolve(event.preloadResponse).then(function (preloaded) {
    return preloaded || fetch(event.request);
  });
}

function keepCopy(request, response) {
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) {
      cache.put(request, copy);
    });
  }
  return response;
}

function kept(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || cache.match(request, { ignoreVary: true, ignoreSearch: true });
    });
  }).then(function (hit) {
    return hit || Response.error();
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  if (!keep(new URL(request.url))) {
    // A page we do not keep (thank-you): still use the preloaded response.
    if (request.mode === "navigate") event.respondWith(network(event));
    return;
  }
  event.respondWith(
    network(event).then(
      function (response) {
        return keepCopy(request, response);
      },
      function () {
        return kept(request);
      }
    )
  );
});
