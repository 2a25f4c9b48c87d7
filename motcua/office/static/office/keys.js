// Office keyboard shortcuts: Alt+Shift+<key> clicks the visible element marked data-shortcut="<key>"
// (receive, print, a new intake...). The page shows each shortcut beside its button and names it in
// aria-keyshortcuts. Alt+Shift is left alone by browsers' and screen readers' own keys (NVDA and JAWS
// use Insert/CapsLock, Chromium's Alt+Shift+I/T/A are not used here). Letters are read from the key's
// position (event.code), so any keyboard layout or input method (Telex, VNI) gives the same shortcut.
(function () {
  "use strict";

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey || event.repeat) {
      return;
    }
    var match = /^Key([A-Z])$/.exec(event.code || "");
    if (!match) {
      return;
    }
    var targets = document.querySelectorAll('[data-shortcut="' + match[1] + '"]');
    for (var i = 0; i < targets.length; i++) {
      if (visible(targets[i]) && !targets[i].disabled) {
        event.preventDefault();
        targets[i].click();
        return;
      }
    }
  });

  // the header's "Thêm" menu closes with Escape (the focus back on its summary) or a click elsewhere
  document.addEventListener("keydown", function (event) {
    var open = event.key === "Escape" && document.querySelector(".mainnav details[open]");
    if (open && open.contains(document.activeElement)) {
      open.removeAttribute("open");
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    var open = document.querySelector(".mainnav details[open]");
    if (open && !open.contains(event.target)) {
      open.removeAttribute("open");
    }
  });

  // a page may name the control to start from (the print button of a receipt just made): focus it
  // unless the browser already placed the focus elsewhere (autofocus)
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-focus-on-load]");
    if (first && (document.activeElement === document.body || !document.activeElement)) {
      first.focus();
    }
  });
})();
