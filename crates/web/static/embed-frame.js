// Partheland Stellenbörse, inside the frame of an embedded list: tells the host page how tall the
// list is, so its rahmen.js can fit the frame. The message is addressed to the parent's origin,
// and only when that origin is one the board allows (data-eltern); the browser delivers it only if
// the parent really has that origin.
(function () {
  "use strict";
  if (window.parent === window) return;
  var allowed = (document.body.getAttribute("data-eltern") || "").split(" ").filter(Boolean);
  var parent = "";
  if (window.location.ancestorOrigins && window.location.ancestorOrigins.length > 0) {
    parent = window.location.ancestorOrigins[0];
  } else {
    try { parent = new URL(document.referrer).origin; } catch (e) { return; }
  }
  if (allowed.indexOf(parent) < 0) return;
  var last = 0;
  function send() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "partheland-stellenboerse-hoehe", height: height }, parent);
  }
  if ("ResizeObserver" in window) new ResizeObserver(send).observe(document.body);
  window.addEventListener("load", send);
  send();
})();
