// Indicator page: choosing lines redraws the chart in place (the form works without this too,
// as a plain GET form with its own button).
(function () {
  "use strict";
  var form = document.getElementById("chart-choice");
  var area = document.getElementById("chart-area");
  if (!form || !area || !window.fetch || !window.DOMParser) return;
  var pending = null;
  form.addEventListener("change", function () {
    var query = new URLSearchParams(new FormData(form)).toString();
    var url = window.location.pathname + (query ? "?" + query : "");
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("chart-area");
        if (!fresh) return;
        area.innerHTML = fresh.innerHTML;
        window.history.replaceState(null, "", url);
      })
      .catch(function () { /* the button still submits the form */ });
  });
})();
