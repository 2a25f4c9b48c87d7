// The live redraw (htmx) swaps the whole declaration form: a condition shows or hides fields, a
// repeating group gains its empty row. Whatever the user typed into the form while that request was
// in flight (an officer keeps typing as the citizen talks) would be replaced by the server's copy,
// made from the values sent before: keep it, and put it back into the redrawn fields of the same id.
(function () {
  "use strict";
  if (window.motcuaEformLive) { return; }
  window.motcuaEformLive = true;
  var inFlight = false;
  var typed = {};

  function isForm(el) { return el && el.id === "eform"; }

  document.addEventListener("htmx:beforeRequest", function (e) {
    if (isForm(e.detail && e.detail.elt)) { inFlight = true; typed = {}; }
  });
  function remember(e) {
    var el = e.target;
    if (!inFlight || !el || !el.id || !el.closest || !el.closest("#eform")) { return; }
    typed[el.id] = (el.type === "checkbox" || el.type === "radio") ? { checked: el.checked } : { value: el.value };
  }
  document.addEventListener("input", remember, true);
  document.addEventListener("change", remember, true);
  function restore() {
    Object.keys(typed).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) { return; }
      if ("checked" in typed[id]) { el.checked = typed[id].checked; } else { el.value = typed[id].value; }
    });
    inFlight = false;
    typed = {};
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    if (inFlight && (isForm(e.target) || isForm(e.detail && e.detail.elt))) { restore(); }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    // a failed request swaps nothing: what was typed is still in place
    if (isForm(e.detail && e.detail.elt) && e.detail.failed) { inFlight = false; typed = {}; }
  });
}());
