// Confirmation as a dialog. A form or link marked `data-confirm` leads, without JavaScript, to
// the server's confirmation page (core.views.confirm_page). With JavaScript that page is
// fetched and its box is shown in a <dialog> on the current page instead; its form posts with
// confirm=1 as the page would. Any failure falls back to the plain page.
(function () {
  "use strict";
  if (typeof HTMLDialogElement !== "function") return;

  function show(html, fallback) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var box = doc.querySelector("[data-confirm-box]");
    if (!box) { fallback(); return; }
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.appendChild(document.importNode(box, true));
    var heading = dialog.querySelector("h1");
    if (heading) {
      var h2 = document.createElement("h2");
      h2.id = heading.id;
      h2.textContent = heading.textContent;
      heading.replaceWith(h2);
    }
    var cancel = dialog.querySelector("[data-confirm-cancel]");
    if (cancel) {
      cancel.addEventListener("click", function (event) { event.preventDefault(); dialog.close(); });
    }
    dialog.addEventListener("close", function () { dialog.remove(); });
    document.body.appendChild(dialog);
    dialog.showModal();
    var submit = dialog.querySelector("button[type=submit]");
    if (submit) submit.focus();
  }

  function ask(request, fallback) {
    fetch(request.url, {
      method: request.method, body: request.body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) { show(html, fallback); }).catch(fallback);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) return;
    if ((form.method || "").toLowerCase() !== "post") return;
    event.preventDefault();
    var body = new FormData(form);
    if (event.submitter && event.submitter.name) body.append(event.submitter.name, event.submitter.value);
    ask({ url: form.action, method: "POST", body: body }, function () { form.submit(); });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-confirm]") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    ask({ url: link.href, method: "GET" }, function () { window.location.href = link.href; });
  });
})();
