// Progress of a background job (templates/includes/job_progress.html): poll its JSON status
// and show it; when the job has finished, reload the page, which then offers the download or
// names the error. Without JavaScript the page refreshes itself (<noscript>).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.running !== "1") return;
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (d) {
        document.getElementById("job-status").textContent = d.status_label;
        var bar = document.getElementById("job-progress");
        bar.value = d.progress;
        bar.textContent = d.progress + " %";
        document.getElementById("job-stage").textContent = d.progress + " % – " + d.stage;
        if (d.status === "pending" || d.status === "running") { window.setTimeout(poll, 1000); return; }
        window.location.reload();
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
