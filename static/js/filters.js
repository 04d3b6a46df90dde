// Progressive enhancement for the filter forms: submit without empty parameters, so that the
// URL a visitor copies is a clean permalink. Without JavaScript the server redirects instead.
(function () {
  "use strict";
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
})();
