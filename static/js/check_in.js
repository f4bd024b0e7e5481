// Progressive enhancement for the check-in desk: check in without reloading the page and keep
// the attendance counts fresh. Without JavaScript the forms post and the page reloads.
(function () {
  "use strict";
  var counts = document.getElementById("counts");
  if (!counts) return;
  function refresh() {
    fetch(counts.dataset.url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html) counts.innerHTML = html; })
      .catch(function () {});
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("check-in-form")) return;
    event.preventDefault();
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (r) {
      if (!r.ok) { form.submit(); return null; }
      return r.text();
    }).then(function (html) {
      if (!html) return;
      var row = form.closest("[data-checkin-row]");
      var holder = document.createElement("template");
      holder.innerHTML = html.trim();
      row.replaceWith(holder.content.firstElementChild);
      refresh();
    }).catch(function () { form.submit(); });
  });
  window.setInterval(refresh, 10000);
})();
