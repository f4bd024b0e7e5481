/* Confirmation dialogs for irreversible actions (see core/confirm.py).
 *
 * A submit button with data-confirm posts its form as usual when this script does not run:
 * the server then answers with a confirmation page. With this script the same request is
 * sent in the background and the page's confirmation box is shown in a modal <dialog>; its
 * form posts the confirmed action, its cancel link closes the dialog.
 */
(function () {
  "use strict";

  function showDialog(box, opener) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    var heading = box.querySelector("h1");
    if (heading) {
      // One h1 per page: inside the dialog the title is a second-level heading.
      var h2 = document.createElement("h2");
      h2.id = heading.id;
      h2.innerHTML = heading.innerHTML;
      heading.replaceWith(h2);
    }
    box.querySelectorAll("h2.checklist-title").forEach(function (h) {
      var h3 = document.createElement("h3");
      h3.className = h.className;
      h3.innerHTML = h.innerHTML;
      h.replaceWith(h3);
    });
    dialog.setAttribute("aria-labelledby", "confirm-title");
    dialog.appendChild(box);
    document.body.appendChild(dialog);
    var cancel = dialog.querySelector("[data-confirm-cancel]");
    if (cancel) {
      cancel.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.close();
      });
    }
    dialog.addEventListener("close", function () {
      dialog.remove();
      if (opener) opener.focus();
    });
    dialog.showModal();
    var first = dialog.querySelector("button[type=submit]") || cancel;
    if (first) first.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var asks = (submitter && submitter.hasAttribute("data-confirm")) || form.hasAttribute("data-confirm");
    if (!asks || !window.fetch || typeof HTMLDialogElement !== "function") return;
    event.preventDefault();
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    // getAttribute: a field named "action" would shadow form.action.
    var target = new URL(form.getAttribute("action") || "", window.location.href).href;
    fetch(target, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) { return { response: response, html: html }; });
      })
      .then(function (result) {
        var doc = new DOMParser().parseFromString(result.html, "text/html");
        var box = doc.querySelector("[data-confirm-box]");
        if (box) {
          showDialog(document.importNode(box, true), submitter);
        } else {
          // Nothing to confirm (the action was refused or done): show where it led.
          window.location.assign(result.response.url);
        }
      })
      .catch(function () {
        form.removeAttribute("data-confirm");
        if (submitter) submitter.removeAttribute("data-confirm");
        form.requestSubmit(submitter || undefined);
      });
  });
})();
