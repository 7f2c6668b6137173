// The purpose page: keys 1-5 choose, typing a text chooses "other" (no inline script: CSP).
(function () {
  var form = document.querySelector(".purpose-form");
  var text = form.querySelector("input[name=purpose_text]");
  document.addEventListener("keydown", function (e) {
    if (e.target === text || e.altKey || e.ctrlKey || e.metaKey) return;
    var radio = form.querySelector('input[data-key="' + e.key + '"]');
    if (!radio) return;
    radio.checked = true;
    (radio.value === "other" ? text : radio).focus();
    e.preventDefault();
  });
  text.addEventListener("input", function () {
    if (text.value.trim()) form.querySelector('input[value="other"]').checked = true;
  });
})();
