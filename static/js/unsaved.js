// Optional: warn before leaving with unsaved notes; while typing, ping the
// server once a minute at most: typing is activity, the CSRF token is renewed.
(function () {
  var form = document.querySelector("form[data-warn-unsaved]");
  if (!form) return;
  var changed = false, last = Date.now(), url = form.getAttribute("data-keep-alive");
  var token = form.elements.csrf_token;
  form.addEventListener("input", function () {
    changed = true;
    if (!url || !window.fetch || Date.now() - last < 60000) return;
    last = Date.now();
    fetch(url, {method: "POST", headers: {"X-CSRFToken": token.value}, redirect: "manual"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d) token.value = d.csrf_token; }, function () {});
  });
  form.addEventListener("submit", function () { changed = false; });
  window.addEventListener("beforeunload", function (event) {
    if (changed) { event.preventDefault(); event.returnValue = ""; }
  });
})();
