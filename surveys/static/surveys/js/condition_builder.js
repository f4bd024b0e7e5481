/* The designer's condition builder (surveys/templates/surveys/designer/_condition_builder.html).
 *
 * Without this script the builder is two lists and a text box whose button posts the form,
 * and the server adds the condition. With it, the answer box becomes a list of the chosen
 * question's answers (for questions with fixed answers), the operators that do not fit the
 * question are hidden, and "Add" writes the condition into the "Show only if" field at once.
 * The condition text it writes is the one surveys/expressions.py `build` and `combine` write.
 */
(function () {
  "use strict";

  var NUMBER = /^-?\d+(\.\d+)?$/;

  function quote(value) {
    if (NUMBER.test(value)) return value;
    return value.indexOf("'") >= 0 ? '"' + value + '"' : "'" + value + "'";
  }

  function build(code, operator, value) {
    var ref = "${" + code + "}";
    if (operator === "answered") return ref + " != ''";
    if (operator === "not_answered") return ref + " = ''";
    if (operator === "selected") return "selected(" + ref + ", " + quote(value) + ")";
    if (operator === "not_selected") return "not(selected(" + ref + ", " + quote(value) + "))";
    return ref + " " + operator + " " + quote(value);
  }

  function topLevelOr(text) {
    // Whether "or" joins the condition at its outermost level (outside brackets and quotes).
    var depth = 0, quoteChar = null;
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (quoteChar) { if (ch === quoteChar) quoteChar = null; continue; }
      if (ch === "'" || ch === '"') quoteChar = ch;
      else if (ch === "(") depth++;
      else if (ch === ")") depth--;
      else if (depth === 0 && /\sor\s/.test(text.slice(i - 1, i + 3))) return true;
    }
    return false;
  }

  function combine(existing, addition, joiner) {
    existing = existing.trim();
    if (!existing) return addition;
    if (joiner === "and" && topLevelOr(existing)) existing = "(" + existing + ")";
    return existing + " " + joiner + " " + addition;
  }

  function init(box) {
    var data = JSON.parse(document.getElementById("condition-builder-data").textContent);
    var byCode = {};
    data.forEach(function (q) { byCode[q.code] = q; });
    var question = box.querySelector("[name='cb-question']");
    var operator = box.querySelector("[name='cb-operator']");
    var input = box.querySelector("[name='cb-value']");
    var join = box.querySelector("[name='cb-join']");
    var add = box.querySelector("[data-builder-add]");
    var status = box.querySelector(".builder-status");
    var relevant = document.getElementById(box.getAttribute("data-relevant"));
    var inputId = input.id;
    // With the script the builder works in the page; Enter in a field then saves the form
    // instead of pressing this button (the first submit button would be the default).
    add.type = "button";
    var select = document.createElement("select");
    select.hidden = true;
    input.parentNode.insertBefore(select, input.nextSibling);

    function value() { return (select.hidden ? input.value : select.value).trim(); }

    function update() {
      var q = byCode[question.value];
      var fixed = q && q.codes;
      // Operators: "includes" for questions with several answers, comparisons for numbers.
      Array.prototype.forEach.call(operator.options, function (option) {
        var op = option.value;
        var hide = false;
        if (q) {
          if (op === "selected" || op === "not_selected") hide = !q.several;
          else if (op === "=" || op === "!=") hide = q.several;
          else if (op[0] === "<" || op[0] === ">") hide = fixed && q.type !== "rating";
        }
        option.hidden = hide;
        option.disabled = hide;
      });
      if (operator.selectedOptions[0] && operator.selectedOptions[0].disabled) {
        var first = Array.prototype.find.call(operator.options, function (o) { return !o.disabled; });
        if (first) operator.value = first.value;
      }
      if (fixed) {
        select.innerHTML = "";
        q.codes.forEach(function (c) {
          var option = document.createElement("option");
          option.value = c.code;
          option.textContent = c.label && c.label !== c.code ? c.label + " (" + c.code + ")" : c.code;
          select.appendChild(option);
        });
        if (q.codes.some(function (c) { return c.code === input.value; })) select.value = input.value;
        select.id = inputId;
        select.name = "cb-value";
        input.id = "";
        input.name = "";
        input.hidden = true;
        select.hidden = false;
      } else {
        input.id = inputId;
        input.name = "cb-value";
        select.id = "";
        select.name = "";
        select.hidden = true;
        input.hidden = false;
      }
      var noValue = operator.value === "answered" || operator.value === "not_answered";
      (fixed ? select : input).disabled = noValue;
    }

    question.addEventListener("change", update);
    operator.addEventListener("change", update);
    add.addEventListener("click", function (event) {
      event.preventDefault();
      var op = operator.value;
      if (!question.value) { status.textContent = box.getAttribute("data-need-question"); question.focus(); return; }
      if (op !== "answered" && op !== "not_answered" && !value()) {
        status.textContent = box.getAttribute("data-need-value");
        return;
      }
      var condition = build(question.value, op, value());
      relevant.value = combine(relevant.value, condition, join ? join.value : "and");
      status.textContent = box.getAttribute("data-added") + " " + condition;
      relevant.focus();
    });
    update();
  }

  document.querySelectorAll("[data-condition-builder]").forEach(function (box) {
    if (document.getElementById("condition-builder-data")) init(box);
  });
})();
