// The section menu is a <details> disclosure that works without this file.
// Here: on a wide screen it stays open as a bar; on a phone Escape or a tap elsewhere closes it.
(function () {
  "use strict";
  var menu = document.querySelector("details.menu");
  if (!menu) return;
  var summary = menu.querySelector("summary");
  var wide = window.matchMedia("(min-width: 64rem)");

  function fit() {
    menu.classList.toggle("menu-bar", wide.matches);
    menu.open = wide.matches;
  }

  fit();
  wide.addEventListener("change", fit);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      summary.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !wide.matches && !menu.contains(event.target)) {
      menu.open = false;
    }
  });
})();
