// Keyboard moves and memory matches for the segment editor; the form works without it.
(function () {
  "use strict";
  var areas = Array.prototype.slice.call(document.querySelectorAll(".seg-table textarea"));
  function move(from, step) {
    var i = areas.indexOf(from) + step;
    if (i >= 0 && i < areas.length) { areas[i].focus(); areas[i].scrollIntoView({block: "center"}); }
  }
  areas.forEach(function (area) {
    area.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        var box = area.closest("td").querySelector("input[type=checkbox]");
        if (box) box.checked = true;
        move(area, 1);
      } else if (event.altKey && event.key === "ArrowDown") { event.preventDefault(); move(area, 1); }
      else if (event.altKey && event.key === "ArrowUp") { event.preventDefault(); move(area, -1); }
    });
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".use-match");
    if (!button) return;
    var target = document.getElementById(button.getAttribute("data-target"));
    if (target) {
      target.value = button.getAttribute("data-text");
      target.dispatchEvent(new Event("input", {bubbles: true}));
      target.focus();
    }
  });
  // warn before leaving with unsaved work
  var form = document.getElementById("segment-form");
  var dirty = false;
  if (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) { if (dirty) { event.preventDefault(); event.returnValue = ""; } });
  }
})();
