/* Image viewer for operators: zoom and rotate in the browser; the image itself is streamed by an
   access-checked view and never has a public URL. */
(function () {
  "use strict";
  var stage = document.querySelector("[data-role=stage]");
  var img = document.querySelector("[data-role=image]");
  if (!stage || !img) { return; }
  var zoom = 1, angle = 0;
  function apply() {
    // Zoom changes the laid-out width, so the stage scrolls to every part of an enlarged page.
    img.style.width = Math.round(zoom * 100) + "%";
    img.style.transform = "rotate(" + angle + "deg)";
    stage.classList.toggle("zoomed", zoom > 1);
  }
  document.querySelectorAll("[data-view]").forEach(function (button) {
    button.addEventListener("click", function () {
      var what = button.getAttribute("data-view");
      if (what === "zoom-in") { zoom = Math.min(6, zoom * 1.25); }
      if (what === "zoom-out") { zoom = Math.max(0.5, zoom / 1.25); }
      if (what === "rotate-left") { angle -= 90; }
      if (what === "rotate-right") { angle += 90; }
      if (what === "reset") { zoom = 1; angle = 0; }
      apply();
    });
  });
  stage.addEventListener("wheel", function (e) {
    if (!e.ctrlKey) { return; }
    e.preventDefault();
    zoom = e.deltaY < 0 ? Math.min(6, zoom * 1.1) : Math.max(0.5, zoom / 1.1);
    apply();
  }, {passive: false});
})();
