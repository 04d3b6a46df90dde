// "Cite this": a button that copies the permanent link. Without JavaScript the link stays in a
// read-only field to select and copy by hand; the button shows only where copying works.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-done") || "✓";
        window.setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
