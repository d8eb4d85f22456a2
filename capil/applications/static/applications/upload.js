/* Upload one photo per slot with a progress bar (XHR), keep the chosen file when the connection fails so
   the applicant can retry, and show a preview. Without JavaScript the forms post normally. */
(function () {
  "use strict";
  var T = window.CAPIL_UPLOAD_TEXT || {};
  if (!window.FormData || !window.XMLHttpRequest) { return; }
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

    input.addEventListener("change", function () {
      msg.textContent = ""; msg.className = "upload-msg";
      if (input.files && input.files[0] && window.URL && input.files[0].type.indexOf("image/") === 0) {
        preview.src = URL.createObjectURL(input.files[0]);
        previewWrap.hidden = false;
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.files || !input.files[0]) { input.focus(); return; }
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
          document.dispatchEvent(new CustomEvent("capil:uploaded", {detail: data}));
        } else if (data && data.error) {
          failed(data.error);
          send.textContent = T.upload;
        } else {
          failed();
        }
      };
      xhr.send(new FormData(form));
    });
  });
})();
