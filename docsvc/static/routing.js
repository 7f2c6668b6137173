// The assign form shows the due date a number of working days gives, by the handling unit's
// calendar, as the leader types (GET /incoming/<id>/routing/due?unit=&days=).
(function () {
  "use strict";
  var form = document.getElementById("assign-form");
  if (!form) { return; }
  var days = document.getElementById("working_days");
  var date = document.getElementById("due_on");
  var main = document.getElementById("main");
  var out = document.getElementById("due-preview");
  function show() {
    if (date.value.trim()) { out.textContent = date.value.trim(); return; }
    var n = days.value.trim();
    if (!/^[0-9]+$/.test(n)) { out.textContent = "–"; return; }
    var choice = main.value || "";
    var unit = choice.indexOf("unit:") === 0 ? choice.slice(5) : "";
    var url = form.getAttribute("data-preview") + "?days=" + encodeURIComponent(n) +
      (unit ? "&unit=" + encodeURIComponent(unit) : "");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.due_on) { out.textContent = data.error || "–"; return; }
        var p = data.due_on.split("-");
        out.textContent = p[2] + "/" + p[1] + "/" + p[0];
      })
      .catch(function () { out.textContent = "–"; });
  }
  days.addEventListener("input", show);
  date.addEventListener("input", show);
  main.addEventListener("change", show);
})();
