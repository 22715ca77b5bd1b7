// Teacher pages: keyboard shortcuts for grading. Loaded with defer; no inline scripts (CSP).
(function () {
  "use strict";

  // The pre-filled score is selected, so typing a new one replaces the suggestion.
  var focused = document.querySelector("input[autofocus]");
  if (focused) {
    focused.focus();
    focused.select();
  }

  // Opening “Change score…” or “Override score” puts the cursor in its points, the suggestion selected.
  document.querySelectorAll("details.decision").forEach(function (details) {
    details.addEventListener("toggle", function () {
      var points = details.open && details.querySelector("input[name$='-points']");
      if (points) {
        points.focus();
        points.select();
      }
    });
  });

  // Ctrl+Enter (Cmd+Enter on a Mac) in a comment saves the form, as Enter does in the points field.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (!(target instanceof HTMLTextAreaElement) || !target.form) return;
    event.preventDefault();
    target.form.requestSubmit();
  });
})();
