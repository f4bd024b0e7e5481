// Progressive enhancement for coding: selecting transcript text with the mouse fills the
// character offsets of the passage form. Without JavaScript the sentence selects do the job.
(function () {
  "use strict";
  var transcript = document.getElementById("transcript");
  var form = document.getElementById("passage-form");
  if (!transcript || !form) return;
  var startInput = form.querySelector("[name=start]");
  var endInput = form.querySelector("[name=end]");
  var preview = document.getElementById("selection-preview");

  function offsetOf(node, offset) {
    var el = node.nodeType === 3 ? node.parentElement : node;
    var seg = el && el.closest(".segtext");
    if (seg) return parseInt(seg.dataset.start, 10) + (node.nodeType === 3 ? offset : 0);
    var outer = el && el.closest(".seg");
    return outer ? parseInt(outer.dataset.start, 10) : null;
  }

  transcript.addEventListener("mouseup", function () {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !transcript.contains(sel.anchorNode)) return;
    var range = sel.getRangeAt(0);
    var a = offsetOf(range.startContainer, range.startOffset);
    var b = offsetOf(range.endContainer, range.endOffset);
    if (a === null || b === null || b <= a) return;
    startInput.value = a;
    endInput.value = b;
    form.querySelectorAll("select[name$=_segment]").forEach(function (s) { s.value = ""; });
    if (preview) {
      preview.hidden = false;
      preview.textContent = "»" + sel.toString().trim() + "«";
    }
  });
})();
