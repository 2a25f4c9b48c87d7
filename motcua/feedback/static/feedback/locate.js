// "Use my location": fills the hidden lat/lon fields of the feedback form (optional; nothing is sent
// until the form is).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("fb-locate");
  if (!button || !navigator.geolocation) { if (button) { button.hidden = true; } return; }
  button.addEventListener("click", function () {
    var out = document.getElementById("fb-located");
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_lon").value = pos.coords.longitude.toFixed(6);
      out.textContent = button.dataset.done + " (" + pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5) + ")";
    }, function () { out.textContent = button.dataset.failed; }, {timeout: 10000});
  });
});
