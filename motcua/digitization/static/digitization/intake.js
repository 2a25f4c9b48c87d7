// The counter intake's list of must-digitize components still missing follows the ticked
// components and the chosen scans (motcua/digitization/sections.py renders the same list).
(function () {
  "use strict";
  function update() {
    var box = document.getElementById("digit-missing");
    if (!box) { return; }
    var shown = 0;
    box.querySelectorAll("[data-digit-missing]").forEach(function (li) {
      var id = li.getAttribute("data-digit-missing");
      var input = document.querySelector('input[data-digit-component="' + id + '"]');
      var tick = document.querySelector('input[name="c' + id + '"]');
      var needed = !tick || tick.checked;
      var missing = needed && !(input && input.files && input.files.length);
      li.hidden = !missing;
      if (missing) { shown += 1; }
    });
    box.hidden = shown === 0;
  }
  function wire() {
    var box = document.getElementById("digit-missing");
    if (!box) { return; }
    document.querySelectorAll('tr input[data-digit-component]').forEach(function (input) {
      input.addEventListener("change", update);
    });
    document.querySelectorAll('input[type="checkbox"][name^="c"]').forEach(function (tick) {
      tick.addEventListener("change", update);
    });
    update();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", wire); } else { wire(); }
}());
