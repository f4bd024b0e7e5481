/* Live show/hide of questions on an answering page. Progressive enhancement: without this
   script the server shows newly relevant questions after the page is submitted. */
(function () {
  "use strict";
  var form = document.getElementById("page-form");
  if (!form || !window.SurveyExpr) { return; }
  var earlier = {};
  var data = document.getElementById("survey-values");
  if (data) { try { earlier = JSON.parse(data.textContent) || {}; } catch (e) { earlier = {}; } }
  var questions = Array.prototype.slice.call(form.querySelectorAll("[data-code]"));

  function numberOrText(text) {
    var t = String(text).trim().replace(",", ".");
    return /^-?(\d+(\.\d+)?|\.\d+)$/.test(t) ? parseFloat(t) : String(text).trim();
  }
  function checked(el, selector) {
    return Array.prototype.slice.call(el.querySelectorAll(selector)).filter(function (i) { return i.checked; })
      .map(function (i) { return i.value; });
  }
  /* data-value says how a question's value is read; each question type declares it
     (client_value in surveys/question_types), so a new type needs no change here. */
  function valueOf(el) {
    var how = el.getAttribute("data-value");
    var code = el.getAttribute("data-code");
    /* "cells": a matrix of typed cells is answered but not read by conditions */
    if (how === "none" || how === "cells") { return ""; }
    if (how === "checked") { return checked(el, "input[type=checkbox][name='" + code + "']"); }
    if (how === "checked_radios") { return checked(el, "input[type=radio]"); }
    if (how === "ranks") {
      var items = Array.prototype.slice.call(el.querySelectorAll("select")).filter(function (s) { return s.value; });
      items.sort(function (a, b) { return parseInt(a.value, 10) - parseInt(b.value, 10); });
      return items.map(function (s) { return s.name.split("__")[1]; });
    }
    if (how === "one" || how === "one_number") {
      var select = el.querySelector("select[name='" + code + "']");
      var v = select ? select.value : (checked(el, "input[type=radio][name='" + code + "']")[0] || "");
      return how === "one_number" ? numberOrText(v) : v;
    }
    var input = el.querySelector("[name='" + code + "']");
    if (!input) { return ""; }
    return how === "number" ? numberOrText(input.value) : input.value.trim();
  }
  /* Cascading selects: offer only the choices whose filter values fit the earlier answers
     (conditions: [[column, "question"|"literal", name or value], ...]). A chosen choice that
     no longer fits is cleared. */
  function filterChoices(el, values) {
    var conditions;
    try { conditions = JSON.parse(el.getAttribute("data-choice-filter")) || []; } catch (e) { return; }
    var wanted = [];
    for (var i = 0; i < conditions.length; i++) {
      var c = conditions[i];
      var v = c[1] === "literal" ? c[2] : values[c[2]];
      if (Array.isArray(v)) { v = v[0]; }
      if (v === undefined || v === null || v === "") { wanted = null; break; }
      wanted.push([c[0], String(v)]);
    }
    el.querySelectorAll("[data-filter]").forEach(function (node) {
      var fits = true;
      if (wanted) {
        var variants = [];
        try { variants = JSON.parse(node.getAttribute("data-filter")) || [{}]; } catch (e) { variants = [{}]; }
        if (!variants.length) { variants = [{}]; }
        fits = variants.some(function (variant) {
          return wanted.every(function (w) { return String(variant[w[0]] || "") === w[1]; });
        });
      }
      var input = node.tagName === "OPTION" ? node : node.querySelector("input");
      node.hidden = !fits;
      if (input) {
        input.disabled = !fits;
        if (!fits && (input.selected || input.checked)) {
          if (node.tagName === "OPTION") { node.parentNode.value = ""; } else { input.checked = false; }
        }
      }
    });
  }
  function update() {
    var values = {};
    Object.keys(earlier).forEach(function (k) { values[k] = earlier[k]; });
    var shown = [];
    questions.forEach(function (el) {
      var code = el.getAttribute("data-code");
      var condition = el.getAttribute("data-relevant");
      var visible = true;
      if (condition) {
        try { visible = window.SurveyExpr.evaluate(condition, values); } catch (e) { visible = true; }
      }
      el.hidden = !visible;
      if (visible && el.hasAttribute("data-choice-filter")) { filterChoices(el, values); }
      if (visible) {
        var v = valueOf(el);
        if (v !== "" && !(Array.isArray(v) && v.length === 0)) { values[code] = v; }
        if (el.getAttribute("data-value") !== "none") { shown.push(code); }
      }
    });
    var field = document.getElementById("shown-codes");
    if (field) { field.value = shown.join(" "); }
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();

/* The header's language switch is a form of its own (so Enter in an answer field submits the
   page, not the switch). On a question page it goes through the page form instead, so what was
   typed on this page is saved before the page is shown in the other language. */
(function () {
  "use strict";
  var page = document.getElementById("page-form");
  var switcher = document.getElementById("survey-lang-form");
  if (!page || !switcher) { return; }
  switcher.addEventListener("submit", function (event) {
    event.preventDefault();
    var select = switcher.querySelector("select[name=lang]");
    [["switch_lang", select ? select.value : ""], ["nav", "lang"]].forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      page.appendChild(input);
    });
    page.submit();
  });
})();
