// Voces service worker, scope /s/: keeps the survey pages this phone has
// opened, and the stylesheet and script, so a dead zone does not lose the
// survey. Network first, so a family always gets the newest page when it can.
// A page posted when the network fails (or stays silent) is put in the
// outbox and the family sees the page again; survey.js moves it to its
// queue and sends it later. It keeps nothing else: the thank-you page and
// staff pages are never stored, and survey.js deletes a survey's pages and
// outbox once its answers are confirmed.
"use strict";
var CACHE = "voces-pages";
var OUTBOX = "voces-outbox";
var ASSETS = ["/static/css/voces.css", "/static/js/survey.js"];
var PATIENCE = 20000; // ms before a silent network counts as no network

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

function within(ms, promise) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(reject, ms);
    promise.then(function (value) {
      clearTimeout(timer);
      resolve(value);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function network(event) {
  return Promise.resolve(event.preloadResponse).then(function (preloaded) {
    return preloaded || fetch(event.request);
  });
}

// The posted fields, as survey.js queues them.
function entryOf(request) {
  return request.formData().then(function (data) {
    var fields = [];
    data.forEach(function (value, name) {
      if (typeof value === "string") fields.push([name, value]);
    });
    return { url: request.url, fields: fields, at: Date.now() };
  });
}

// A page posted with no working network: keep it in the outbox and show the
// page again (from the kept copy), where the banner says it is waiting.
function postOrKeep(request) {
  var copy = request.clone();
  return within(PATIENCE, fetch(request))["catch"](function () {
    return entryOf(copy).then(function (entry) {
      return caches.open(OUTBOX).then(function (outbox) {
        return outbox.put(entry.url, new Response(JSON.stringify(entry)));
      });
    }).then(function () {
      return Response.redirect(request.url, 303);
    });
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
  });
}

// Network first. A family looking at a blank screen: after a while without
// an answer, the kept copy will do; with no copy, wait for the network.
function networkOrKept(event) {
  var request = event.request;
  var answer = network(event);
  var waited = request.mode === "navigate" ? within(PATIENCE, answer) : answer;
  return waited.then(
    function (response) {
      return keepCopy(request, response);
    },
    function () {
      return kept(request).then(function (hit) {
        return hit || answer;
      });
    }
  );
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method === "POST" && request.mode === "navigate" && keep(url)) {
    event.respondWith(postOrKeep(request));
    return;
  }
  if (request.method !== "GET") return;
  if (keep(url)) {
    event.respondWith(networkOrKept(event));
  } else if (request.mode === "navigate") {
    // A page we do not keep (thank-you): still use the preloaded response.
    event.respondWith(network(event));
  }
});
