// The segment editor: each segment saves on its own (on leaving it, or Ctrl+S), keyboard moves,
// memory matches, and tags that delete as a whole. Without JavaScript the form saves as a whole.
(function () {
  "use strict";
  var form = document.getElementById("segment-form");
  if (!form) return;
  var areas = Array.prototype.slice.call(form.querySelectorAll(".seg-table textarea"));
  var saveUrl = form.getAttribute("data-save-url");
  var CHIP = /\[\/?\d{1,4}\/?\]/g;
  var saved = new Map();  // textarea -> {text, reviewed} as the server last had it
  var inflight = new Set();  // segment saves not answered yet
  var help = document.getElementById("shortcut-help");
  if (help) help.hidden = false;

  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }
  function rowOf(area) { return area.closest("tr"); }
  function boxOf(area) { return rowOf(area).querySelector("input[type=checkbox]"); }
  function stateOf(area) { return rowOf(area).querySelector(".seg-state"); }
  function current(area) { var box = boxOf(area); return {text: area.value, reviewed: !!(box && box.checked)}; }
  function changed(area) {
    var was = saved.get(area), now = current(area);
    return was.text !== now.text || was.reviewed !== now.reviewed;
  }
  areas.forEach(function (area) { saved.set(area, current(area)); });

  function show(area, text, kind) {
    var state = stateOf(area);
    if (!state) return;
    state.textContent = text;
    state.className = "seg-state" + (kind ? " " + kind : "");
  }

  function showSavedVersion(area, text) {
    var row = rowOf(area);
    var note = row.querySelector(".conflict-note");
    if (!note) {
      note = document.createElement("p");
      note.className = "conflict-note";
      stateOf(area).insertAdjacentElement("afterend", note);
    }
    note.textContent = msg("saved-version") + " ";
    var span = document.createElement("span");
    span.className = "pre";
    span.textContent = text;
    note.appendChild(span);
  }

  function updateProgress(done, total) {
    var bar = document.getElementById("review-progress");
    if (!bar) return;
    bar.max = total; bar.value = done;
    var label = document.querySelector("label[for=review-progress]");
    var template = msg("progress");
    if (label && template) label.textContent = template.replace("{done}", done).replace("{total}", total);
  }

  function save(area, deliberate) {
    if (!changed(area)) return Promise.resolve();
    // after a conflict only a deliberate save (Ctrl+S) may replace the other person's text
    if (area.getAttribute("data-conflict") && !deliberate) return Promise.resolve();
    var sent = current(area);
    show(area, msg("saving"), "saving");
    var request = fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": form.getAttribute("data-csrf")},
      body: JSON.stringify({key: rowOf(area).getAttribute("data-key"), text: sent.text,
                            reviewed: sent.reviewed, token: area.getAttribute("data-token")})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok && data.ok) {
          area.setAttribute("data-token", data.token);
          area.removeAttribute("data-conflict");
          area.removeAttribute("aria-invalid");
          saved.set(area, sent);
          var version = form.querySelector("input[name=version]");
          if (version && data.version !== undefined) version.value = data.version;
          rowOf(area).classList.toggle("reviewed", !!data.reviewed);
          var note = rowOf(area).querySelector(".conflict-note");
          if (note) note.remove();
          updateProgress(data.done, data.total);
          show(area, data.message || msg("saved"), "saved");
        } else if (response.status === 409 && data.token) {
          area.setAttribute("data-token", data.token);
          area.setAttribute("data-conflict", "1");
          showSavedVersion(area, data.text);
          show(area, data.message, "failed");
        } else {
          area.setAttribute("aria-invalid", "true");
          show(area, data.message || msg("failed"), "failed");
        }
      });
    }).catch(function () { show(area, msg("failed"), "failed"); });
    inflight.add(request);
    request.then(function () { inflight.delete(request); });
    return request;
  }

  function move(from, step) {
    var i = areas.indexOf(from) + step;
    if (i >= 0 && i < areas.length) { areas[i].focus(); areas[i].scrollIntoView({block: "center"}); }
  }

  function nextNeedingWork(from) {
    var start = from ? areas.indexOf(from) : -1;
    for (var n = 1; n <= areas.length; n++) {
      var area = areas[(start + n) % areas.length];
      if (area !== from && rowOf(area).classList.contains("needs-work")) return area;
    }
    return null;
  }

  // a tag deletes as a whole: the first Backspace/Delete selects it, the next removes it
  function guardChip(area, event) {
    if (area.selectionStart !== area.selectionEnd) return;
    var pos = area.selectionStart, m;
    CHIP.lastIndex = 0;
    while ((m = CHIP.exec(area.value)) !== null) {
      var start = m.index, end = m.index + m[0].length;
      var hit = event.key === "Backspace" ? (start < pos && pos <= end) : (start <= pos && pos < end);
      if (hit) { event.preventDefault(); area.setSelectionRange(start, end); return; }
    }
  }

  areas.forEach(function (area) {
    area.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        var box = boxOf(area);
        if (box) box.checked = true;
        move(area, 1);
      } else if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
        event.preventDefault();
        save(area, true);
      } else if (event.altKey && event.key === "ArrowDown") { event.preventDefault(); move(area, 1); }
      else if (event.altKey && event.key === "ArrowUp") { event.preventDefault(); move(area, -1); }
      else if (event.key === "Backspace" || event.key === "Delete") { guardChip(area, event); }
    });
  });

  // leaving a segment (its text or its reviewed box) saves it
  form.addEventListener("focusout", function (event) {
    var row = event.target.closest && event.target.closest("tr.seg");
    if (!row) return;
    if (event.relatedTarget && row.contains(event.relatedTarget)) return;
    // a click on a submit button: the whole form saves this segment itself
    if (event.relatedTarget && event.relatedTarget.type === "submit") return;
    var area = row.querySelector("textarea");
    if (area) save(area, false);
  });
  form.addEventListener("change", function (event) {
    if (event.target.matches("input[type=checkbox]")) {
      var area = event.target.closest("tr").querySelector("textarea");
      if (area && document.activeElement !== area) save(area, false);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey && (event.key === "n" || event.key === "N" || event.code === "KeyN")) {
      var active = document.activeElement;
      var from = active && active.closest && active.closest("tr.seg") ? active.closest("tr.seg").querySelector("textarea") : null;
      var next = nextNeedingWork(from);
      if (next) { event.preventDefault(); next.focus(); next.scrollIntoView({block: "center"}); }
    }
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

  // warn before leaving with text the server does not have
  var submitting = false;
  form.addEventListener("submit", function (event) {
    submitting = true;
    // a segment save still on its way changes the version: send the form once it is answered
    if (inflight.size) {
      event.preventDefault();
      Promise.all(Array.from(inflight)).then(function () { form.submit(); });
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting) return;
    if (areas.some(changed)) { event.preventDefault(); event.returnValue = ""; }
  });
})();
