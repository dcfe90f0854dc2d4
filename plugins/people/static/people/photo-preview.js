// The profile edit form: a square preview of the photo chosen, before it is sent (the
// server crops it to the same centred square). Without scripts the current photo stays.
(function () {
  "use strict";
  var input = document.querySelector("[data-photo-input]");
  var preview = document.querySelector("[data-photo-preview]");
  if (!input || !preview || !window.URL || !URL.createObjectURL) { return; }
  var original = preview.getAttribute("src");
  var shown = null;
  input.addEventListener("change", function () {
    if (shown) { URL.revokeObjectURL(shown); shown = null; }
    var file = input.files && input.files[0];
    if (!file || !/^image\//.test(file.type)) {
      preview.setAttribute("src", original);
      preview.classList.remove("is-preview");
      return;
    }
    shown = URL.createObjectURL(file);
    preview.setAttribute("src", shown);
    preview.classList.add("is-preview");
  });
})();
