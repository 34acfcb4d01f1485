// Live progress for a background job; without JavaScript the page refreshes itself.
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-label]");
  function poll() {
    fetch(box.getAttribute("data-job-status"), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.max = job.total || 1; bar.value = job.progress;
        if (label) label.textContent = job.progress + " / " + job.total;
        if (job.status === "queued" || job.status === "running") setTimeout(poll, 1000);
        else window.location.reload();
      }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
