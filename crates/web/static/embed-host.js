// Partheland Stellenbörse, on the host page: fits each embedded list's frame (iframe with
// data-stellenboerse) to the height its content reports. Accepts messages only from the board's
// origin (where this script was loaded from) and only from one of those frames.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var board = new URL(script.src).origin;
  window.addEventListener("message", function (event) {
    if (event.origin !== board) return;
    var data = event.data;
    if (!data || data.type !== "partheland-stellenboerse-hoehe" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-stellenboerse]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.min(Math.max(data.height, 80), 20000) + "px";
      }
    }
  });
})();
