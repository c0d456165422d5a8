// Voces on a family's phone: optional help for weak connections.
// - keeps what is typed on the device, per survey page, until the server
//   confirms the submission (a reload or a closed tab loses nothing);
// - a page posted while offline waits on the device with its submission
//   token and is sent once the connection returns (the server stores a
//   token once, so a repeat is harmless);
// - moves focus to the first error, or to the page heading after "Next".
// Every page works the same without this script. Its words come from
// data- attributes that the server writes in the family's language.
(function () {
  "use strict";
  var ANSWERS = "voces:answers:";
  var QUEUE = "voces:queue";
  var CACHE = "voces-pages"; // the name sw.js uses
  var SKIP = { hidden: 1, submit: 1, button: 1, reset: 1 };
  var status = document.getElementById("device-status");
  var form = document.getElementById("answers");
  var store = storage();
  var sending = false;
  var lastButton = null;

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
    write(answersKey(), collect());
  }

  // Offline queue -------------------------------------------------------

  function queued() {
    return read(QUEUE, []);
  }

  function setQueue(entries) {
    if (entries.length) write(QUEUE, entries);
    else store.removeItem(QUEUE);
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

  function enqueue(event) {
    event.preventDefault();
    var url = form.action;
    var entries = queued().filter(function (entry) {
      return entry.url !== url; // pressing again replaces, never adds
    });
    entries.push({ url: url, fields: fields(event.submitter || lastButton) });
    setQueue(entries);
    showWaiting(entries.length);
    window.scrollBy(0, status.offsetHeight); // keep the button in sight above the banner
  }

  function afterSending(entry, response) {
    if (response.redirected) return response.url;
    return entry.url + (response.status === 422 ? "?check=1" : "");
  }

  function flush() {
    var entries = queued();
    if (sending || !entries.length || navigator.onLine === false) return;
    sending = true;
    var entry = entries[0];
    var body = new URLSearchParams();
    entry.fields.forEach(function (pair) {
      body.append(pair[0], pair[1]);
    });
    fetch(entry.url, { method: "POST", body: body, credentials: "same-origin" }).then(
      function (response) {
        sending = false;
        if (response.status >= 500) return; // try again when the page comes back
        setQueue(queued().filter(function (e) { return e.url !== entry.url; }));
        say(status.getAttribute("data-sent"));
        var next = afterSending(entry, response);
        window.setTimeout(function () { location.assign(next); }, 1200);
      },
      function () {
        sending = false; // still no connection: the "online" event tries again
      }
    );
  }

  // After the submission is confirmed ------------------------------------

  function forget(base) {
    var inSurvey = function (path) {
      return path === base || path.indexOf(base + "/") === 0;
    };
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key.indexOf(ANSWERS) === 0 && inSurvey(key.slice(ANSWERS.length))) store.removeItem(key);
    }
    setQueue(queued().filter(function (e) { return !inSurvey(new URL(e.url).pathname); }));
    if (!window.caches) return;
    caches.open(CACHE).then(function (cache) {
      cache.keys().then(function (requests) {
        requests.forEach(function (request) {
          if (inSurvey(new URL(request.url).pathname)) cache["delete"](request);
        });
      });
    });
  }

  // Focus ---------------------------------------------------------------

  function moveFocus() {
    var bad = document.querySelector("#answers [aria-invalid=true]");
    if (bad) {
      (bad.tagName === "FIELDSET" ? bad.querySelector("input") : bad).focus();
      return;
    }
    var heading = document.querySelector("main h1[tabindex]");
    if (heading && form && !document.activeElement.matches("input, textarea")) heading.focus();
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
  var base = document.body.getAttribute("data-forget");
  if (base) forget(base);
  if (form) {
    if (restore(read(answersKey(), {}))) say(status.getAttribute("data-restored"));
    form.addEventListener("input", keepTyping);
    form.addEventListener("change", keepTyping);
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button[type=submit]");
      if (button) lastButton = button;
    });
    form.addEventListener("submit", function (event) {
      keepTyping();
      if (navigator.onLine === false) enqueue(event);
    });
  }
  if (queued().length) showWaiting(queued().length);
  window.addEventListener("online", flush);
  flush();
})();
