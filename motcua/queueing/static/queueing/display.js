// The waiting-room display: a chime (Web Audio API, synthesized: no audio file) and a screen-reader
// announcement whenever the board shows a new call or a recall (data-call-key changes). Browsers start
// audio only after a user gesture: the "Bật âm thanh" button.
(function () {
  "use strict";
  var ctx = null;
  var lastKey = null;
  var button = document.getElementById("sound");
  var live = document.getElementById("announce");
  var chimes = 0;

  function chime() {
    chimes += 1;
    document.body.setAttribute("data-chimes", String(chimes));
    if (!ctx) { return; }
    var t = ctx.currentTime;
    [[784, 0], [988, 0.28], [1319, 0.56]].forEach(function (note) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = note[0];
      gain.gain.setValueAtTime(0.0001, t + note[1]);
      gain.gain.exponentialRampToValueAtTime(0.35, t + note[1] + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + note[1] + 0.9);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(t + note[1]);
      osc.stop(t + note[1] + 1);
    });
  }

  function announce(text) {
    if (!live || !text) { return; }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 100);
  }

  function check() {
    var board = document.querySelector("[data-call-key]");
    if (!board) { return; }
    var key = board.getAttribute("data-call-key");
    if (lastKey !== null && key && key !== lastKey) {
      chime();
      announce(board.getAttribute("data-announce"));
    }
    lastKey = key;
  }

  if (button) {
    button.addEventListener("click", function () {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!ctx && Ctx) { ctx = new Ctx(); }
      if (ctx && ctx.state === "suspended") { ctx.resume(); }
      button.setAttribute("aria-pressed", "true");
      button.textContent = button.getAttribute("data-on");
      chime();
      chimes -= 1;  // the test chime is not a call
      document.body.setAttribute("data-chimes", String(chimes));
    });
  }
  document.body.addEventListener("htmx:afterSwap", check);
  check();
})();
