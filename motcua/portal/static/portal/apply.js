// "Tôi nộp cho": for oneself the representative's part is hidden; for someone else it shows, the
// applicant fields (filled with the signed-in citizen's own data) are emptied for the family member or the
// enterprise, and the relationships offered are those that fit. The server checks all of it again.
(function () {
  "use strict";
  var FAMILY = ["family", "parent", "spouse", "child", "authorized", "other"];
  var ENTERPRISE = ["legal", "authorized"];
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var part = document.getElementById("representative-part");
    var radios = document.querySelectorAll("input[name='submit_for']");
    if (!part || !radios.length) { return; }
    var ownId = part.getAttribute("data-own-id") || "";
    var ownName = part.getAttribute("data-own-name") || "";
    var relation = document.getElementById("id_representative_relationship");
    function chosen() {
      var value = "self";
      radios.forEach(function (r) { if (r.checked) { value = r.value; } });
      return value;
    }
    function show(value, changed) {
      part.hidden = value === "self";
      if (relation) {
        var allowed = value === "enterprise" ? ENTERPRISE : FAMILY;
        Array.prototype.forEach.call(relation.options, function (o) {
          o.hidden = o.value !== "" && allowed.indexOf(o.value) < 0;
        });
        if (relation.value && allowed.indexOf(relation.value) < 0) { relation.value = ""; }
      }
      if (!changed || value === "self") { return; }
      var id = document.getElementById("id_applicant_id_number");
      var name = document.getElementById("id_applicant_name");
      if (id && ownId && id.value === ownId) { id.value = ""; }
      if (name && ownName && name.value === ownName) { name.value = ""; }
      var type = document.getElementById("id_applicant_type");
      if (type && value === "enterprise") {
        var ent = type.querySelector("option[value='1']");
        if (ent) { type.value = "1"; }
      }
    }
    radios.forEach(function (r) { r.addEventListener("change", function () { show(chosen(), true); }); });
    show(chosen(), false);
  });
})();
