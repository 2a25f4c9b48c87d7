// The kiosk's printed ticket: print once on arrival (the kiosk browser prints to its receipt printer
// silently in kiosk mode), "In lại" prints again, and the kiosk goes back to its start page after 30 s.
(function () {
  "use strict";
  var back = document.body.getAttribute("data-return-url");
  var again = document.getElementById("print-again");
  if (again) { again.addEventListener("click", function () { window.print(); }); }
  if (!/[?&]noprint=1/.test(window.location.search)) {
    window.setTimeout(function () { window.print(); }, 300);
  }
  if (back) { window.setTimeout(function () { window.location.assign(back); }, 30000); }
})();
