// The intake page received from a booked ticket: propose the appointment's applicant in the empty fields.
(function () {
  "use strict";
  var src = document.getElementById("queue-prefill");
  if (!src) { return; }
  ["applicant_name", "applicant_id_number", "applicant_phone"].forEach(function (name) {
    var value = src.getAttribute("data-" + name);
    var field = document.querySelector("[name='" + name + "']");
    if (value && field && !field.value) { field.value = value; }
  });
})();
