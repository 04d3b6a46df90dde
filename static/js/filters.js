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
  // A long facet folds its options after the first few under "+ N more"; opened, a box filters
  // all of the facet's options by name (English or Chinese, either script). Options already
  // ticked stay in view.
  document.querySelectorAll("details.facet-more").forEach(function (more) {
    var box = more.querySelector(".facet-filter");
    var input = box && box.querySelector("[data-facet-filter]");
    if (!input) return;
    var status = box.querySelector("[data-facet-status]");
    var fieldset = more.closest("fieldset") || more.parentNode;
    var options = Array.prototype.slice.call(fieldset.querySelectorAll("li[data-terms]"));
    box.hidden = false;
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault(); // it filters as one types
    });
    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var ticked = option.querySelector("input:checked");
        var terms = option.getAttribute("data-terms");
        var match = words.every(function (word) { return terms.indexOf(word) !== -1; });
        option.hidden = !(match || ticked);
        if (match) shown += 1;
      });
      status.textContent = words.length
        ? input.getAttribute("data-status").replace("{count}", shown).replace("{total}", options.length)
        : "";
    });
  });

  // The filter panel is served folded; on a wide screen the stylesheet shows its content
  // (::details-content). A browser without that selector opens it here instead.
  var showsFolded = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  if (!showsFolded) {
    var wide = window.matchMedia("(min-width: 48.01rem)");
    var unfold = function () {
      if (!wide.matches) return;
      document.querySelectorAll("details.filter-panel").forEach(function (panel) {
        panel.open = true;
      });
    };
    unfold();
    wide.addEventListener("change", unfold);
  }
})();
