/* A small signature pad: draw on a <canvas> with a finger, a stylus or the mouse (pointer
   events), and put the drawing into a hidden input as a PNG data URL when the form is sent.
   Our own code; no third-party library. */
(function () {
  "use strict";

  function setUp(canvas) {
    var input = document.getElementById(canvas.dataset.signatureInput);
    var status = document.getElementById(canvas.dataset.signatureStatus);
    var form = canvas.closest("form");
    var clearButton = (canvas.closest("fieldset") || form).querySelector("[data-signature-clear]");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    // touch-action: none (the page must not scroll while the client signs) is in app.css.

    function reset() {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#000";
      drawn = false;
      input.value = "";
      say(false);
    }

    function say(filled) {
      if (status) status.textContent = filled ? status.dataset.filled : status.dataset.empty;
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.fillStyle = "#000";
      ctx.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var next = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(next.x, next.y);
      ctx.stroke();
      last = next;
      if (!drawn) {
        drawn = true;
        say(true);
      }
    });
    function stop() {
      if (!drawing) return;
      drawing = false;
      if (drawn) input.value = canvas.toDataURL("image/png");
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    if (clearButton) clearButton.addEventListener("click", reset);
    form.addEventListener("submit", function () {
      if (drawn) input.value = canvas.toDataURL("image/png");
    });
    reset();
  }

  document.querySelectorAll("canvas.signature-pad").forEach(setUp);
})();
