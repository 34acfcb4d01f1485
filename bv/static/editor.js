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

// "Insert picture": the picture is uploaded at once and its Markdown goes where the cursor is.
// Without JavaScript the file field is sent with the form and the picture lands at the end.
(function () {
  "use strict";
  var box = document.querySelector(".picture-insert[data-picture-url]");
  var area = document.getElementById("body");
  if (!box || !area || !window.fetch || !window.FormData) return;
  var file = box.querySelector("input[type=file]");
  var alt = box.querySelector("input[name='picture_alt']");
  var caption = box.querySelector("input[name='picture_caption']");
  var actions = box.querySelector(".picture-actions");
  var button = box.querySelector(".insert-picture");
  var status = box.querySelector(".picture-status");
  var help = box.querySelector(".picture-help");
  var csrf = document.querySelector("input[name='csrf_token']");
  if (!file || !button || !actions) return;
  actions.hidden = false;
  if (help) help.hidden = true;

  function say(text) { if (status) status.textContent = text || ""; }

  // the picture must be a paragraph of its own to show as a figure: blank lines around it
  function insert(markdown) {
    var start = area.selectionStart, end = area.selectionEnd;
    var before = area.value.slice(0, start), after = area.value.slice(end);
    var lead = before === "" ? "" : (/\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n"));
    var trail = after === "" ? "\n" : (/^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n"));
    area.setRangeText(lead + markdown + trail, start, end, "end");
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  button.addEventListener("click", function () {
    var chosen = file.files && file.files[0];
    if (!chosen) { say(box.getAttribute("data-empty")); return; }
    var data = new FormData();
    data.append("picture", chosen);
    data.append("picture_alt", alt ? alt.value : "");
    data.append("picture_caption", caption ? caption.value : "");
    if (csrf) data.append("csrf_token", csrf.value);
    button.disabled = true;
    say(box.getAttribute("data-working"));
    fetch(box.getAttribute("data-picture-url"), {
      method: "POST", body: data, credentials: "same-origin"
    }).then(function (r) {
      return r.json().catch(function () { return {}; });
    }).then(function (json) {
      if (json && json.markdown) {
        insert(json.markdown);
        file.value = "";
        if (alt) alt.value = "";
        if (caption) caption.value = "";
        say("");
      } else {
        say((json && json.error) || box.getAttribute("data-failed"));
      }
    }).catch(function () {
      say(box.getAttribute("data-failed"));
    }).then(function () { button.disabled = false; });
  });
})();
