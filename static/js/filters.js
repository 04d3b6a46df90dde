// Progressive enhancement for the filter forms; every list works without it.
(function () {
  "use strict";
  // Submit without empty parameters, so that the URL a visitor copies is a clean permalink:
  // the list's own path when nothing is chosen (not "path?"). Without JavaScript the server
  // redirects to the same clean URL instead.
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var query = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && value.trim() !== "") query.append(name, value);
      });
      var encoded = query.toString();
      var action = new URL(form.action, window.location.href);
      event.preventDefault();
      window.location.assign(action.pathname + (encoded ? "?" + encoded : ""));
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
