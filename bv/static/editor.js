// Progressive enhancement for the body editor: a small Markdown toolbar and a live preview.
// Without JavaScript the textarea and the "Preview" button still work.
(function () {
  "use strict";
  var area = document.getElementById("body");
  if (!area) return;
  var toolbar = document.querySelector(".md-toolbar[data-for='body']");
  var previewBox = document.getElementById("preview");
  var previewSection = document.querySelector("[data-preview-url]");
  var csrf = document.querySelector("input[name='csrf_token']");

  function wrap(before, after, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd;
    var text = area.value.slice(start, end) || placeholder || "";
    area.setRangeText(before + text + after, start, end, "select");
    area.focus();
    schedule();
  }

  function prefixLines(prefix) {
    var start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    var end = area.selectionEnd;
    var block = area.value.slice(start, end) || "";
    var lines = block.split("\n").map(function (l) { return prefix + l; }).join("\n");
    area.setRangeText(lines, start, end, "end");
    area.focus();
    schedule();
  }

  if (toolbar) {
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-md]");
      if (!button) return;
      var kind = button.getAttribute("data-md");
      if (kind === "bold") wrap("**", "**", "");
      else if (kind === "italic") wrap("*", "*", "");
      else if (kind === "heading") prefixLines("## ");
      else if (kind === "list") prefixLines("- ");
      else if (kind === "quote") prefixLines("> ");
      else if (kind === "link") {
        var url = window.prompt(button.getAttribute("data-prompt") || "URL", "https://");
        if (url) wrap("[", "](" + url + ")", "");
      }
    });
    area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey)) return;
      if (event.key === "b") { event.preventDefault(); wrap("**", "**", ""); }
      if (event.key === "i") { event.preventDefault(); wrap("*", "*", ""); }
    });
  }

  var timer = null;
  function schedule() {
    if (!previewSection || !previewBox) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  function refresh() {
    var data = new FormData();
    data.append("body", area.value);
    if (csrf) data.append("csrf_token", csrf.value);
    fetch(previewSection.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (json) { if (json) previewBox.innerHTML = json.html; })
      .catch(function () {});
  }

  area.addEventListener("input", schedule);
  if (previewBox && !previewBox.innerHTML.trim()) refresh();
})();

// A photo over the limit is refused before the form is sent: a request over the server's
// limit gets only a bare error page, and everything typed with it would be lost.
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var note = document.createElement("p");
    note.className = "error";
    note.setAttribute("role", "alert");
    note.hidden = true;
    input.insertAdjacentElement("afterend", note);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var tooLarge = file && file.size > max;
      note.hidden = !tooLarge;
      note.textContent = tooLarge ? input.getAttribute("data-too-large") : "";
      if (tooLarge) input.value = "";
    });
  });
})();
