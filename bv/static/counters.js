// Character counters for every [data-max] field of a form[data-counter], instead of maxlength,
// which cuts pasted text silently; the server refuses overlong fields and keeps the text.
// Short fields always show theirs; long ones only once they are over.
(function () {
  "use strict";
  document.querySelectorAll("form[data-counter]").forEach(function (form) {
    var template = form.getAttribute("data-counter");
    form.querySelectorAll("[data-max]").forEach(function (field) {
      var max = parseInt(field.getAttribute("data-max"), 10);
      if (!max) return;
      var counter = document.createElement("small");
      counter.className = "counter";
      counter.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", counter);
      function update() {
        var count = field.value.length;
        var shown = max <= 1000 || count > max;
        counter.textContent = shown ? template.replace("{count}", count).replace("{max}", max) : "";
        counter.classList.toggle("over", count > max);
      }
      field.addEventListener("input", update);
      update();
    });
  });
})();
