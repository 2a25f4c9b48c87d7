// Counter intake: the procedure search box is a combobox over its results (ARIA 1.2 list
// autocomplete, aria-activedescendant): as results arrive the first is active, ArrowDown/ArrowUp
// move, Enter picks the active one, Escape closes the list. The results stay plain links, so a
// mouse click, and the page without this script, work as before.
// In the applicant's ID field, Enter fills a returning applicant's details (the field's change
// lookup) instead of submitting the whole intake form.
(function () {
  "use strict";

  var ACTIVE = "active";

  function options(listbox) {
    return listbox ? Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]')) : [];
  }

  function listboxOf(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function activate(input, option) {
    options(listboxOf(input)).forEach(function (o) {
      o.classList.remove(ACTIVE);
      o.setAttribute("aria-selected", "false");
    });
    if (option) {
      option.classList.add(ACTIVE);
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function refresh(input) {
    var found = options(listboxOf(input));
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
    activate(input, found[0] || null);
  }

  function onSearchKey(event) {
    var input = event.currentTarget;
    var found = options(listboxOf(input));
    if (!found.length) {
      return;
    }
    var current = found.indexOf(document.getElementById(input.getAttribute("aria-activedescendant") || ""));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      input.setAttribute("aria-expanded", "true");
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = current < 0 ? (step > 0 ? 0 : found.length - 1) : (current + step + found.length) % found.length;
      activate(input, found[next]);
    } else if (event.key === "Enter" && current >= 0 && input.getAttribute("aria-expanded") === "true") {
      event.preventDefault();
      window.location.assign(found[current].href);
    } else if (event.key === "Escape" && input.getAttribute("aria-expanded") === "true") {
      event.preventDefault();
      input.setAttribute("aria-expanded", "false");
      activate(input, null);
    }
  }

  function onIdKey(event) {
    if (event.key === "Enter" && !event.altKey && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();  // not the intake's submit: look the applicant up
      event.target.dispatchEvent(new Event("change", {bubbles: true}));
    }
  }

  // This deferred script runs before DOMContentLoaded, where htmx only then binds the page's
  // triggers (its "htmx:load" on the body follows): an event sent before that is lost.
  function whenHtmxListens(fn) {
    if (!window.htmx) {
      return;
    }
    if (document.readyState === "complete") {
      fn();
      return;
    }
    document.body.addEventListener("htmx:load", function once(event) {
      if (event.target === document.body) {
        document.body.removeEventListener("htmx:load", once);
        fn();
      }
    });
  }

  function init() {
    var input = document.getElementById("proc-q");
    if (input) {
      input.addEventListener("keydown", onSearchKey);
      refresh(input);
      whenHtmxListens(function () {
        // letters typed into the autofocused box before htmx listened (the page still loading) are searched now
        if (input.value.trim()) {
          window.htmx.trigger(input, "search");
        }
      });
      document.body.addEventListener("htmx:afterSwap", function (event) {
        if (event.target && event.target.id === "procedure-results") {
          refresh(input);
        }
      });
    }
    document.addEventListener("keydown", function (event) {
      if (event.target && event.target.id === "id_applicant_id_number") {
        onIdKey(event);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
