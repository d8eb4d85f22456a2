// Adds a row to a table of an output-kind form (e.g. the members of a Kartu Keluarga): copies the last row,
// empties it, renumbers its field names and ids, and updates the formset's TOTAL_FORMS.
document.querySelectorAll("fieldset.kind-table").forEach(function (fieldset) {
  var button = fieldset.querySelector("[data-add-row]");
  if (!button) return;
  var prefix = fieldset.dataset.prefix;
  var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
  var max = fieldset.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
  button.addEventListener("click", function () {
    var rows = fieldset.querySelectorAll(".kind-row");
    var count = parseInt(total.value, 10);
    if (max && count >= parseInt(max.value, 10)) return;
    var copy = rows[rows.length - 1].cloneNode(true);
    var pattern = new RegExp(prefix + "-\\d+-", "g");
    copy.querySelectorAll("input, select, textarea, label").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(pattern, prefix + "-" + count + "-"));
      });
      if (el.tagName === "INPUT" && el.type !== "checkbox") el.value = "";
      if (el.tagName === "INPUT" && el.type === "checkbox") el.checked = false;
      if (el.tagName === "SELECT") el.selectedIndex = 0;
      if (el.tagName === "TEXTAREA") el.value = "";
    });
    copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    var title = copy.querySelector(".kind-row-title");
    if (title) title.textContent = title.textContent.replace(/\d+/, String(count + 1));
    rows[rows.length - 1].after(copy);
    total.value = String(count + 1);
  });
});
