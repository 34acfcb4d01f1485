// Live progress for background jobs (one job page, or a batch on the jobs page): the bar,
// the count and the status label follow the server; without JavaScript the page refreshes.
(function () {
  "use strict";
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-job-status]"));
  if (!boxes.length) return;
  var batch = document.querySelector("[data-batch]");
  var state = boxes.map(function () { return null; });
  function sumUp() {
    if (!batch) return;
    var done = 0, total = 0;
    // every row counts, finished ones included, so the sum matches the server's
    document.querySelectorAll(".job-progress progress").forEach(function (bar) { done += bar.value; total += bar.max; });
    var bar = batch.querySelector("progress");
    bar.max = total || 1; bar.value = done;
    var label = batch.querySelector("[data-batch-label]");
    if (label) label.textContent = done + " / " + total;
  }
  function poll(box, i) {
    fetch(box.getAttribute("data-job-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        state[i] = job;
        var bar = box.querySelector("progress");
        if (bar) { bar.max = job.total || 1; bar.value = job.progress; }
        var count = box.querySelector("[data-label]");
        if (count) count.textContent = job.progress + " / " + job.total;
        var label = box.querySelector("[data-status-label]") || document.querySelector("[data-status-label]");
        if (label && job.label) label.textContent = job.label;
        sumUp();
        if (job.status === "queued" || job.status === "running") setTimeout(function () { poll(box, i); }, 1000);
        else if (!batch) window.location.reload();
        else if (state.every(function (s) { return s && s.status !== "queued" && s.status !== "running"; })) window.location.reload();
      }).catch(function () { setTimeout(function () { poll(box, i); }, 3000); });
  }
  boxes.forEach(function (box, i) { setTimeout(function () { poll(box, i); }, 1000); });
})();
