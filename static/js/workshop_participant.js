// On a participant's phone: when the facilitator opens or closes a vote, reload so the vote
// link appears (without JavaScript the "Refresh" link does the same).
(function () {
  "use strict";
  var banner = document.getElementById("vote-banner");
  if (!banner) return;
  var shown = banner.dataset.vote || "";
  window.setInterval(function () {
    if (document.hidden) return;
    var typing = document.activeElement && /TEXTAREA|INPUT/.test(document.activeElement.tagName);
    fetch(banner.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state && String(state.vote || "") !== shown && !typing) window.location.reload();
      }).catch(function () {});
  }, 4000);
})();
