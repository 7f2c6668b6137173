// Search as you type: suggestions under the box, and the results below refreshed as the
// query changes (the page works without this script too).
(function () {
  "use strict";
  var box = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var results = document.getElementById("results");
  var form = box.form;
  var timer = null, latest = 0, active = -1;

  function params() {
    var data = new URLSearchParams(new FormData(form));
    return data;
  }

  function refresh() {
    var ticket = ++latest;
    var data = params();
    if (!data.get("q").trim()) { return; }
    data.set("fragment", "1");
    fetch(form.action + "?" + data.toString(), {headers: {"Accept": "text/html"}})
      .then(function (r) {
        // Sent to choose the purpose of reading personal data: go there, and come back.
        if (r.redirected && r.url.indexOf("/purpose") !== -1) { location.href = r.url; return null; }
        return r.text();
      })
      .then(function (html) {
        if (html === null || ticket !== latest) return;  // leaving, or a newer query is on its way
        results.innerHTML = html;
        data.delete("fragment");
        history.replaceState(null, "", form.action + "?" + data.toString());
      });
  }

  function suggest() {
    var text = box.value.trim();
    if (text.length < 2) { list.hidden = true; return; }
    fetch(box.dataset.suggestUrl + "?q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (items) {
        list.innerHTML = "";
        active = -1;
        items.forEach(function (item) {
          var li = document.createElement("li");
          li.setAttribute("role", "option");
          li.textContent = item.text;
          var count = document.createElement("span");
          count.className = "count";
          count.textContent = item.count;
          li.appendChild(count);
          li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item.text); });
          list.appendChild(li);
        });
        list.hidden = items.length === 0;
      });
  }

  function choose(text) {
    box.value = text;
    list.hidden = true;
    refresh();
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(); refresh(); }, 200);
  });
  box.addEventListener("keydown", function (e) {
    var items = list.querySelectorAll("li");
    if (list.hidden || !items.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length;
      items.forEach(function (li, i) { li.classList.toggle("active", i === active); });
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      choose(items[active].firstChild.textContent);
    } else if (e.key === "Escape") {
      list.hidden = true;
    }
  });
  box.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 100); });
})();
