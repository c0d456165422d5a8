// Optional: warn before leaving a notes page with changes not yet saved.
// The page works the same without it.
(function () {
  var form = document.querySelector("form[data-warn-unsaved]");
  if (!form) return;
  var changed = false;
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("submit", function () { changed = false; });
  window.addEventListener("beforeunload", function (event) {
    if (changed) { event.preventDefault(); event.returnValue = ""; }
  });
})();
