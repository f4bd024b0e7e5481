// A "Print" button (data-print) opens the browser's print dialog; it is hidden in print.
document.addEventListener("click", function (event) {
  "use strict";
  var button = event.target.closest("[data-print]");
  if (button) { window.print(); }
});
