// The header's "More" menu is a native <details>: it opens and closes with a click, Enter or
// Space without this script. With it, Escape and a click elsewhere close it too.
(function () {
  "use strict";
  var menus = document.querySelectorAll(".nav-more details");
  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except) menu.open = false;
    });
  }
  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest(".nav-more details");
    closeAll(inside);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (!menu.open) return;
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });
})();
