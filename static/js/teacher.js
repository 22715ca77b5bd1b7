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

  // The review page's rubric items: the first takes the focus, keys 1–9 tick them (outside the
  // text fields), Enter on one saves, and the points show what the ticked items earn. The points
  // come from the server's table (data-item-points), so the scoring rule lives in the grader alone.
  var reviewForm = document.querySelector("form.review-form");
  var items = reviewForm ? Array.prototype.slice.call(reviewForm.querySelectorAll("input[data-rubric-item]")) : [];
  if (items.length) {
    var table = reviewForm.dataset.itemPoints ? JSON.parse(reviewForm.dataset.itemPoints) : null;
    var reviewPoints = reviewForm.querySelector("input[name$='-points']");
    items[0].focus();
    items.forEach(function (item) {
      item.addEventListener("change", function () {
        var ticked = items.filter(function (each) { return each.checked; }).map(function (each) { return each.value; });
        if (table && reviewPoints) reviewPoints.value = table[ticked.join(" ")];
      });
      item.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") return;
        event.preventDefault();
        reviewForm.requestSubmit();
      });
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && target.type !== "checkbox");
      if (typing || event.ctrlKey || event.metaKey || event.altKey || !/^[1-9]$/.test(event.key)) return;
      var item = items[Number(event.key) - 1];
      if (!item) return;
      event.preventDefault();
      item.click();
      item.focus();
    });
  }

  // Ctrl+Enter (Cmd+Enter on a Mac) in a comment saves the form, as Enter does in the points field.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (!(target instanceof HTMLTextAreaElement) || !target.form) return;
    event.preventDefault();
    target.form.requestSubmit();
  });
})();
