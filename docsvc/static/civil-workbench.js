// The civil-status workbench's keys (the forms work without this script, by plain POST):
// F2 marks the focused field illegible, F4 marks it missing (again: back to its value),
// Enter saves from any field (selects included), Ctrl+Enter accepts a machine proposal as
// it is, F8 switches the image between the entry's region and the whole page. Typing in a
// field takes its mark off. The entry number is checked as it is typed against the
// numbers the office's year already has (a gap or a duplicate is shown, not refused).
// Drawing on the page image (new entries) fills in the region; Alt+PageDown / Alt+PageUp
// open the book's next / previous scanned page there.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var view = document.getElementById("page-view");

  function fieldOf(el) {
    return el && el.closest ? el.closest(".cf") : null;
  }

  function setState(cf, state) {
    var select = cf.querySelector("select.state");
    if (!select) return;
    var current = select.value;
    var next = current === state ? "" : state;
    select.value = next;
    cf.classList.remove("state-uncertain", "state-illegible", "state-missing");
    if (next) cf.classList.add("state-" + next);
    var input = cf.querySelector("[name^='f.']");
    if (next === "missing" && input) input.value = "";
  }

  function accept() {
    var button = document.getElementById("accept");
    if (button) form.requestSubmit(button);
  }

  function toggleZoom() {
    if (!view || !view.querySelector(".region")) return;
    view.classList.toggle("zoomed");
    view.classList.toggle("whole-only");
  }

  if (view && view.querySelector(".region")) view.classList.add("zoomed");

  var pagePick = document.getElementById("page-pick");

  function turnPage(step) {
    var next = pagePick.selectedIndex + step;
    if (next < 0 || next >= pagePick.options.length) return;
    pagePick.selectedIndex = next;
    pagePick.form.submit();
  }

  document.addEventListener("keydown", function (event) {
    if (pagePick && event.altKey && (event.key === "PageDown" || event.key === "PageUp")) {
      event.preventDefault();
      turnPage(event.key === "PageDown" ? 1 : -1);
      return;
    }
    if (event.key === "F8") {
      event.preventDefault();
      toggleZoom();
      return;
    }
    if (!form) return;
    var cf = fieldOf(document.activeElement);
    if ((event.key === "F2" || event.key === "F4") && cf && form.contains(cf)) {
      event.preventDefault();
      setState(cf, event.key === "F2" ? "illegible" : "missing");
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (document.getElementById("accept")) {
        event.preventDefault();
        accept();
      }
      return;
    }
    if (event.key === "Enter" && !event.shiftKey && !event.altKey && document.activeElement
        && form.contains(document.activeElement) && document.activeElement.tagName === "SELECT") {
      event.preventDefault(); // a select does not submit its form by itself
      form.requestSubmit(document.getElementById("save"));
    }
  });

  if (form) {
    form.addEventListener("input", function (event) {
      var target = event.target;
      if (!target.name || target.name.indexOf("f.") !== 0) return;
      var cf = fieldOf(target);
      var select = cf && cf.querySelector("select.state");
      if (select && select.value && target.value !== "") {
        select.value = "";
        cf.classList.remove("state-uncertain", "state-illegible", "state-missing");
      }
      if (target.name === "f.number" || target.name === "f.registered_on") checkNumber();
    });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.classList.contains("state")) {
        var cf = fieldOf(target);
        cf.classList.remove("state-uncertain", "state-illegible", "state-missing");
        if (target.value) cf.classList.add("state-" + target.value);
      }
    });
  }

  // -- the number: a gap or a duplicate in the office's year -------------------------------
  var hint = document.getElementById("number-hint");
  var warning = document.getElementById("number-warning");

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function checkNumber() {
    if (!hint || !warning) return;
    var numbers = JSON.parse(hint.dataset.numbers || "{}");
    var numberInput = form.querySelector("[name='f.number']");
    var dayInput = form.querySelector("[name='f.registered_on']");
    var n = parseInt((numberInput && numberInput.value) || "", 10);
    var year = hint.dataset.yearFrom;
    var day = dayInput && dayInput.value.match(/(\d{4})\s*$|^(\d{4})-/);
    if (day) year = day[1] || day[2];
    var info = numbers[year];
    var own = parseInt(form.dataset.ownNumber || "", 10);
    warning.hidden = true;
    if (!info || isNaN(n)) return;
    if (n !== own && info.taken.indexOf(n) >= 0) {
      warning.textContent = (hint.dataset.msgDuplicate || "").replace("{number}", pad(n)).replace("{year}", year);
      warning.hidden = false;
    } else if (n > info.next && n !== own) {
      var to = n - 1;
      var run = info.next === to ? pad(info.next) : pad(info.next) + "–" + pad(to);
      warning.textContent = (hint.dataset.msgGap || "").replace("{runs}", run).replace("{year}", year);
      warning.hidden = false;
    }
  }

  checkNumber();

  // -- drawing the entry's region on the page (new entries) --------------------------------
  var svg = view && view.classList.contains("drawable") ? view.querySelector("svg.page-svg") : null;
  var boxInput = document.getElementById("box");
  if (svg && boxInput) {
    var drawn = svg.querySelector(".drawn-box");
    var start = null, startClient = null;

    function point(event) {
      var p = svg.createSVGPoint();
      p.x = event.clientX;
      p.y = event.clientY;
      return p.matrixTransform(svg.getScreenCTM().inverse());
    }

    function show(a, b) {
      var x = Math.max(0, Math.min(a.x, b.x)), y = Math.max(0, Math.min(a.y, b.y));
      var w = Math.abs(a.x - b.x), h = Math.abs(a.y - b.y);
      drawn.setAttribute("x", x);
      drawn.setAttribute("y", y);
      drawn.setAttribute("width", w);
      drawn.setAttribute("height", h);
      return [Math.round(x), Math.round(y), Math.round(w), Math.round(h)];
    }

    svg.addEventListener("mousedown", function (event) {
      event.preventDefault();
      start = point(event);
      startClient = [event.clientX, event.clientY];
    });
    svg.addEventListener("mousemove", function (event) {
      if (start) show(start, point(event));
    });
    window.addEventListener("mouseup", function (event) {
      if (!start) return;
      var box = show(start, point(event));
      var moved = Math.min(Math.abs(event.clientX - startClient[0]), Math.abs(event.clientY - startClient[1]));
      start = null;
      if (moved > 4) boxInput.value = box.join(",");  // a click or a twitch draws nothing
      else show({x: 0, y: 0}, {x: 0, y: 0});
    });
    if (boxInput.value) {
      var parts = boxInput.value.split(",").map(Number);
      if (parts.length === 4) show({x: parts[0], y: parts[1]}, {x: parts[0] + parts[2], y: parts[1] + parts[3]});
    }
  }
})();
