// Progressive enhancement for the filter forms; every list works without it.
(function () {
  "use strict";
  // Submit without empty parameters, so that the URL a visitor copies is a clean permalink.
  // Without JavaScript the server redirects to the same clean URL instead.
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (field) {
        if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
        if (field.name && field.value.trim() === "") field.disabled = true;
      });
    });
  });
  // Re-enable fields when the page is restored from the back-forward cache.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.filters [disabled]").forEach(function (field) {
      field.disabled = false;
    });
  });
  // On a narrow screen the filters fold away above the results; the summary opens them.
  var narrow = window.matchMedia("(max-width: 48rem)");
  function fold() {
    document.querySelectorAll("details.filter-panel").forEach(function (panel) {
      panel.open = !narrow.matches;
    });
  }
  fold();
  narrow.addEventListener("change", fold);
})();
