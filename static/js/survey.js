// Voces on a family's phone: optional help for weak connections.
// - keeps what is typed on the device, per survey page, until the server
//   confirms the submission (a reload or a closed tab loses nothing), and
//   never longer than the server keeps a draft (7 days);
// - a page that cannot be sent (no connection, or a network that does not
//   answer) waits on the device with its submission token and is sent once
//   the connection returns (the server stores a token once, so a repeat is
//   harmless). It counts as sent only when the server took it;
// - moves focus to the first error, or to the first question after "Next".
// Every page works the same without this script. Its words come from
// data- attributes that the server writes in the family's language.
(function () {
  "use strict";
  var ANSWERS = "voces:answers:";
  var QUEUE = "voces:queue";
  var CACHE = "voces-pages"; // the names sw.js uses
  var OUTBOX = "voces-outbox";
  var WEEK = 7 * 24 * 3600 * 1000; // drafts live as long on the server
  var PATIENCE = 20000; // ms before a silent network counts as no network
  var SKIP = { hidden: 1, submit: 1, button: 1, reset: 1 };
  var status = document.getElementById("device-status");
  var form = document.getElementById("answers");
  var store = storage();
  var sending = false;
  var lastButton = null;
  var retryTimer = null;
  var retryDelay = 5000;

  function storage() {
    try {
      var test = "voces:test";
      window.localStorage.setItem(test, test);
      window.localStorage.removeItem(test);
      return window.localStorage;
    } catch (e) {
      return null; // private mode or storage disabled: the server still has every page
    }
  }

  function read(key, fallback) {
    try {
      return JSON.parse(store.getItem(key)) || fallback;
    } catch (e) {
      return fallback;
    }
  }

  function write(key, value) {
    try {
      store.setItem(key, JSON.stringify(value));
    } catch (e) {
      // Storage full: nothing to do, the page still posts normally.
    }
  }

  function say(text) {
    if (!status) return;
    status.textContent = text;
    document.body.classList.toggle("has-banner", !!text); // room below the last button
  }

  function each(list, fn) {
    Array.prototype.forEach.call(list, fn);
  }

  function fresh(at) {
    return typeof at === "number" && Date.now() - at < WEEK;
  }

  // Autosave ------------------------------------------------------------

  function answersKey() {
    return ANSWERS + location.pathname;
  }

  function collect() {
    var data = {};
    each(form.elements, function (el) {
      if (!el.name || SKIP[el.type]) return;
      if (el.type === "radio" || el.type === "checkbox") {
        data[el.name] = data[el.name] || [];
        if (el.checked) data[el.name].push(el.value);
      } else {
        data[el.name] = [el.value];
      }
    });
    return data;
  }

  function restore(data) {
    var changed = false;
    each(form.elements, function (el) {
      var wanted = data[el.name];
      if (!wanted || SKIP[el.type]) return;
      if (el.type === "radio" || el.type === "checkbox") {
        var on = wanted.indexOf(el.value) >= 0;
        changed = changed || el.checked !== on;
        el.checked = on;
      } else if (el.value !== wanted[0]) {
        el.value = wanted[0];
        changed = true;
      }
    });
    return changed;
  }

  function keepTyping() {
    write(answersKey(), { at: Date.now(), values: collect() });
  }

  // Nothing typed stays on the phone longer than the server would keep it.
  // (Entries from before dates were kept start their week now.)
  function dropOld() {
    var now = Date.now();
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key.indexOf(ANSWERS) !== 0) continue;
      var kept = read(key, {});
      if (kept.at === undefined) write(key, { at: now, values: kept });
      else if (!fresh(kept.at)) store.removeItem(key);
    }
    setQueue(queued().filter(function (entry) {
      entry.at = entry.at === undefined ? now : entry.at;
      return fresh(entry.at);
    }));
  }

  // Offline queue -------------------------------------------------------

  function queued() {
    var entries = read(QUEUE, []);
    return entries instanceof Array ? entries : [];
  }

  function setQueue(entries) {
    if (entries.length) write(QUEUE, entries);
    else store.removeItem(QUEUE);
  }

  function without(url) {
    return queued().filter(function (entry) { return entry.url !== url; });
  }

  function showWaiting(count) {
    var template = status.getAttribute(count === 1 ? "data-waiting-one" : "data-waiting-many");
    say(template.replace("{n}", count));
  }

  function fields(submitter) {
    var pairs = [];
    each(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "button") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      pairs.push([el.name, el.value]);
    });
    if (submitter && submitter.name) pairs.push([submitter.name, submitter.value]);
    return pairs;
  }

  // Pressing again replaces the waiting page, never adds a second copy.
  function enqueue(entry) {
    var entries = without(entry.url).concat([entry]);
    setQueue(entries);
    showWaiting(entries.length);
    window.scrollBy(0, status.offsetHeight); // keep the button in sight above the banner
    later();
  }

  function post(entry) {
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) {
      body.append(pair[0], pair[1]);
    });
    var options = { method: "POST", body: body, credentials: "same-origin" };
    var timer;
    if (window.AbortController) {
      var controller = new AbortController();
      options.signal = controller.signal;
      timer = window.setTimeout(function () { controller.abort(); }, PATIENCE);
    }
    var done = function () { window.clearTimeout(timer); };
    return fetch(entry.url, options).then(function (response) {
      done();
      return response;
    }, function (error) {
      done();
      throw error;
    });
  }

  // Taken: the server answered with the next page (a redirect within the
  // survey) or plainly accepted it. A refusal or a failure is not "sent".
  function delivered(entry, response) {
    if (!response.redirected) return response.ok;
    var survey = new URL(entry.url).pathname.split("/").slice(0, 3).join("/");
    return new URL(response.url).pathname.indexOf(survey) === 0;
  }

  // Show what the server says about a page (its errors, "already sent",
  // "closed"): post it for real, as the browser would without this script.
  function postForReal(entry) {
    var real = document.createElement("form");
    real.method = "post";
    real.action = entry.url;
    entry.fields.forEach(function (pair) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = pair[0];
      field.value = pair[1];
      real.appendChild(field);
    });
    document.body.appendChild(real);
    real.submit();
  }

  // A page kept offline longer than the form's token lives (an hour): the
  // page, opened again, has a fresh token.
  function freshToken(entry) {
    return fetch(entry.url, { credentials: "same-origin" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var token = page.querySelector("input[name=csrf_token]");
      if (!token) throw new Error("no token");
      entry.fields = entry.fields.map(function (pair) {
        return pair[0] === "csrf_token" ? [pair[0], token.value] : pair;
      });
    });
  }

  function later(response) {
    sending = false;
    var asked = response && parseInt(response.headers.get("Retry-After"), 10);
    var delay = asked > 0 ? asked * 1000 : retryDelay;
    retryDelay = Math.min(retryDelay * 2, 300000);
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(flush, delay);
  }

  function deliver(entry, retried) {
    post(entry).then(function (response) {
      if (delivered(entry, response)) {
        setQueue(without(entry.url));
        say(status.getAttribute("data-sent"));
        window.setTimeout(function () { location.assign(response.url); }, 1200);
      } else if (response.status === 400 && !retried) {
        freshToken(entry).then(function () { deliver(entry, true); }, function () { later(); });
      } else if (response.status === 429 || response.status >= 500) {
        later(response); // busy or broken for now: the page waits and tries again
      } else {
        setQueue(without(entry.url)); // refused for good (409, 422, 410...): say why
        postForReal(entry);
      }
    }, function () {
      later(); // still no connection
    });
  }

  function flush() {
    var entries = queued();
    if (sending || !entries.length || navigator.onLine === false) return;
    sending = true;
    deliver(entries[0], false);
  }

  // Pages the service worker could not send (the network failed under it).
  function adoptOutbox() {
    if (!window.caches) return Promise.resolve();
    return caches.open(OUTBOX).then(function (outbox) {
      return outbox.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return outbox.match(request).then(function (kept) {
            return kept.json();
          }).then(function (entry) {
            setQueue(without(entry.url).concat([entry]));
            return outbox["delete"](request);
          });
        }));
      });
    });
  }

  function sendPage(event) {
    keepTyping();
    var entry = { url: form.action, fields: fields(event.submitter || lastButton), at: Date.now() };
    if (navigator.onLine === false) {
      event.preventDefault();
      enqueue(entry);
      return;
    }
    // A service worker posts the page and keeps it if the network fails.
    if (navigator.serviceWorker && navigator.serviceWorker.controller) return;
    event.preventDefault();
    post(entry).then(function (response) {
      if (delivered(entry, response)) location.assign(response.url);
      else postForReal(entry);
    }, function () {
      enqueue(entry);
    });
  }

  // After the submission is confirmed ------------------------------------

  function forget(base) {
    var inSurvey = function (url) {
      var path = new URL(url, location.href).pathname;
      return path === base || path.indexOf(base + "/") === 0;
    };
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key.indexOf(ANSWERS) === 0 && inSurvey(key.slice(ANSWERS.length))) store.removeItem(key);
    }
    setQueue(queued().filter(function (e) { return !inSurvey(e.url); }));
    if (!window.caches) return;
    [CACHE, OUTBOX].forEach(function (name) {
      caches.open(name).then(function (cache) {
        cache.keys().then(function (requests) {
          requests.forEach(function (request) {
            if (inSurvey(request.url)) cache["delete"](request);
          });
        });
      });
    });
  }

  // Focus ---------------------------------------------------------------

  // The first answer to fix; or, on a new page, its first question (the
  // page title, read out on arrival, names the page).
  function moveFocus() {
    var bad = document.querySelector("#answers [aria-invalid=true]");
    if (bad) {
      (bad.tagName === "FIELDSET" ? bad.querySelector("input") : bad).focus();
      return;
    }
    if (!form || !form.hasAttribute("data-focus-first")) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    var first = form.querySelector(".q input:not([type=hidden]), .q textarea");
    if (!first) return;
    if (first.type === "radio") {
      first = form.querySelector("input[name=" + first.name + "]:checked") || first;
    }
    first.focus({ preventScroll: true });
  }

  // Start ---------------------------------------------------------------

  // After the first frame: focusing forces a layout, which would delay the first paint.
  window.requestAnimationFrame(function () {
    window.setTimeout(moveFocus, 0);
  });
  if (status && "serviceWorker" in navigator) {
    // After "load", so that the worker never slows down the first view.
    window.addEventListener("load", function () {
      var firstVisit = !navigator.serviceWorker.controller;
      navigator.serviceWorker.register(status.getAttribute("data-worker")).then(function () {
        // This page came before the worker did: keep it too, for a dead zone.
        if (firstVisit && form && window.caches) caches.open(CACHE).then(function (cache) {
          cache.add(location.href);
        });
      })["catch"](function () {});
    });
  }
  if (!store || !status) return;
  dropOld();
  var base = document.body.getAttribute("data-forget");
  if (base) forget(base);
  if (form) {
    var kept = read(answersKey(), {});
    if (kept.values && restore(kept.values)) say(status.getAttribute("data-restored"));
    form.addEventListener("input", keepTyping);
    form.addEventListener("change", keepTyping);
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[type=submit]");
      if (button) lastButton = button;
    });
    form.addEventListener("submit", sendPage);
  }
  window.addEventListener("online", flush);
  (base ? Promise.resolve() : adoptOutbox())["catch"](function () {}).then(function () {
    if (queued().length) showWaiting(queued().length);
    flush();
  });
})();
