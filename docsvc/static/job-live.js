// A document still being read: show the job's progress, reload the page when it ends.
// (A static file, not inline: the Content-Security-Policy allows no inline script.)
(function () {
  var box = document.querySelector(".job-live");
  if (!box) return;
  var bar = box.querySelector("progress"), text = box.querySelector(".job-text");
  function poll() {
    fetch(box.dataset.jobUrl, {headers: {"Accept": "application/json"}}).then(function (r) { return r.json(); }).then(function (job) {
      bar.max = job.progress.total || 1; bar.value = job.progress.done;
      text.textContent = text.textContent.replace(/\d+ \/ (\d+|\?)/, job.progress.done + " / " + (job.progress.total || "?"));
      if (job.status === "done" || job.status === "failed") { location.reload(); } else { setTimeout(poll, 1500); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
