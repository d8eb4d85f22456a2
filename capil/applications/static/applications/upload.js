/* Upload one photo per slot with a progress bar (XHR), keep the chosen file when the connection fails so
   the applicant can retry, and show a preview. Without JavaScript the forms post normally.

   A photo larger than the server keeps (CAPIL_UPLOAD_MAX_EDGE on its long edge) is shrunk to that size in the
   browser first: a 12-megapixel phone photo of 3-5 MB goes over mobile data as ~0.5 MB, and one over the
   10 MB limit is still accepted. The server decodes and re-encodes whatever arrives, as it always does; this
   only saves the applicant's data and time and the server's work. The original is sent unchanged when the
   browser cannot decode it (HEIC in most browsers), does not turn photos upright by their EXIF orientation
   (checked once with a 2 x 1 test image tagged "rotate 90"), or when shrinking would not make it smaller. */
(function () {
  "use strict";
  var T = window.CAPIL_UPLOAD_TEXT || {};
  var MAX_EDGE = window.CAPIL_UPLOAD_MAX_EDGE || 0;
  if (!window.FormData || !window.XMLHttpRequest) { return; }

  var ROTATED_2X1 = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/4QAiRXhpZgAATU0AKgAAAAgAAQESAAMAAAABAAYAAAAA" +
    "AAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgV" +
    "GC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAABAAIDASIAAhEBAxEB/8QAHwAA" +
    "AQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2Jy" +
    "ggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2" +
    "t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgEC" +
    "BAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldY" +
    "WVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP0" +
    "9fb3+Pn6/9oADAMBAAIRAxEAPwD0CiiigD//2Q==";
  var uprightCheck = null;
  function browserTurnsPhotosUpright() {
    if (!uprightCheck) {
      uprightCheck = new Promise(function (resolve) {
        var probe = new Image();
        probe.onload = function () { resolve(probe.naturalWidth === 1 && probe.naturalHeight === 2); };
        probe.onerror = function () { resolve(false); };
        probe.src = ROTATED_2X1;
      });
    }
    return uprightCheck;
  }
  // Resolves to what to send: a shrunk JPEG, or the file itself. Never rejects.
  function prepare(file) {
    var canvas = document.createElement("canvas");
    if (!MAX_EDGE || !window.Promise || !window.URL || !canvas.toBlob || file.type.indexOf("image/") !== 0) {
      return Promise.resolve(file);
    }
    return browserTurnsPhotosUpright().then(function (upright) {
      if (!upright) { return file; }
      return new Promise(function (resolve) {
        var img = new Image();
        var url = URL.createObjectURL(file);
        function done(result) { URL.revokeObjectURL(url); resolve(result); }
        img.onerror = function () { done(file); };
        img.onload = function () {
          var w = img.naturalWidth, h = img.naturalHeight, long = Math.max(w, h);
          if (!long || long <= MAX_EDGE) { done(file); return; }
          var scale = MAX_EDGE / long;
          canvas.width = Math.max(1, Math.round(w * scale));
          canvas.height = Math.max(1, Math.round(h * scale));
          var ctx = canvas.getContext("2d");
          if (!ctx) { done(file); return; }
          ctx.fillStyle = "#fff";  // transparent areas become white paper, as on the server
          ctx.fillRect(0, 0, canvas.width, canvas.height);
          ctx.imageSmoothingEnabled = true;
          ctx.imageSmoothingQuality = "high";
          ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
          canvas.toBlob(function (blob) {
            done(blob && blob.size > 0 && blob.size < file.size ? blob : file);
          }, "image/jpeg", 0.92);
        };
        img.src = url;
      });
    });
  }
  function jpegName(name) { return (name || "foto").replace(/\.[^.\/]*$/, "") + ".jpg"; }
  // After each upload the "submit" box is fetched again, so it says what is still missing (or offers to
  // submit) without reloading the page and losing photos chosen in other slots.
  function refreshSubmit() {
    var box = document.getElementById("submit");
    if (!box || !window.fetch || !window.DOMParser) { return; }
    fetch(window.location.pathname, {credentials: "same-origin"}).then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("submit");
        if (fresh) { box.innerHTML = fresh.innerHTML; }
      }).catch(function () { /* the box stays as it was; the form still works */ });
  }
  document.querySelectorAll("form.upload-form").forEach(function (form) {
    var card = form.closest(".slot");
    var input = form.querySelector("input[type=file]");
    var bar = form.querySelector("[data-role=progress]");
    var msg = form.querySelector("[data-role=message]");
    var send = form.querySelector("[data-role=send]");
    var preview = card.querySelector("[data-role=preview]");
    var previewWrap = card.querySelector("[data-role=preview-wrap]");
    var status = card.querySelector("[data-role=status]");

    var prepared = null;  // {file, promise}: shrunk once per chosen file, kept for a retry

    input.addEventListener("change", function () {
      prepared = null;
      msg.textContent = ""; msg.className = "upload-msg";
      if (input.files && input.files[0] && window.URL && input.files[0].type.indexOf("image/") === 0) {
        preview.src = URL.createObjectURL(input.files[0]);
        previewWrap.hidden = false;
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.files || !input.files[0]) { input.focus(); return; }
      var chosen = input.files[0];
      if (!prepared || prepared.file !== chosen) { prepared = {file: chosen, promise: prepare(chosen)}; }
      send.disabled = true;
      msg.className = "upload-msg"; msg.textContent = T.preparing || T.sending;
      prepared.promise.then(function (body) { upload(chosen, body); });
    });

    function upload(chosen, body) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.timeout = 180000;
      bar.hidden = false; bar.value = 0; send.disabled = true;
      msg.className = "upload-msg"; msg.textContent = T.sending;
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      };
      function failed(text) {
        bar.hidden = true; send.disabled = false; send.textContent = T.retry;
        msg.className = "upload-msg error"; msg.textContent = text || T.failed;
      }
      xhr.onerror = function () { failed(); };
      xhr.ontimeout = function () { failed(); };
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        if (xhr.status === 200 && data && data.ok) {
          bar.value = 100; bar.hidden = true; send.disabled = false; send.textContent = T.upload;
          preview.src = data.preview; previewWrap.hidden = false;
          status.innerHTML = '<span class="badge ok"></span>';
          status.firstChild.textContent = T.uploaded + " (v" + data.version + ")";
          card.classList.remove("slot-rejected");
          msg.className = "upload-msg ok"; msg.textContent = data.message;
          refreshSubmit();
          form.reset();
          prepared = null;
          document.dispatchEvent(new CustomEvent("capil:uploaded", {detail: data}));
        } else if (data && data.error) {
          failed(data.error);
          send.textContent = T.upload;
        } else {
          failed();
        }
      };
      var payload = new FormData(form);
      if (body !== chosen) { payload.set("file", body, jpegName(chosen.name)); }
      xhr.send(payload);
    }
  });
})();
