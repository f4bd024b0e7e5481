// Follows a concept generation job: polls its JSON status until it ends, then reloads the page
// (which then shows the new version or the error). Without JavaScript a meta refresh does it.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.running !== "1") { return; }
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      document.getElementById("job-status").textContent = d.status_label;
      var bar = document.getElementById("job-progress");
      bar.value = d.progress; bar.textContent = d.progress + " %";
      document.getElementById("job-stage").textContent = d.progress + " % – " + d.stage;
      if (d.status === "pending" || d.status === "running") { setTimeout(poll, 1000); return; }
      window.location.reload();
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
