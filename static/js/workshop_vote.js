// Live counts of an open vote (the page works without it: reload to refresh).
(function () {
  "use strict";
  var table = document.getElementById("vote-table");
  if (!table || !table.dataset.open) return;
  function fmt(v) { return v === null || v === undefined ? "–" : (Math.round(v * 10) / 10).toString(); }
  function refresh() {
    fetch(table.dataset.url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (!state) return;
        document.getElementById("ballot-count").textContent = state.ballots;
        state.items.forEach(function (item) {
          var row = table.querySelector('tr[data-item="' + item.id + '"]');
          if (!row) return;
          var dots = row.querySelector(".dots");
          if (dots) dots.textContent = item.dots;
          var impact = row.querySelector(".impact");
          if (impact) impact.textContent = fmt(item.impact);
          var feas = row.querySelector(".feasibility");
          if (feas) feas.textContent = fmt(item.feasibility);
        });
        if (state.status !== "open") window.location.reload();
      }).catch(function () {});
  }
  window.setInterval(refresh, 3000);
})();
