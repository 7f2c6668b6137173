// The "end a unit" form posts to /admin/units/<code>/end for the unit chosen in it.
// (A static file, not an inline handler: the Content-Security-Policy allows no inline script.)
(function () {
  "use strict";
  var form = document.getElementById("end-unit");
  if (!form) return;
  form.addEventListener("submit", function () {
    form.action = form.dataset.actionPrefix + encodeURIComponent(form.elements.code.value) + "/end";
  });
})();
