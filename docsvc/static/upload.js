// Upload page: each file goes in its own request, so each row shows its own progress:
// first the bytes going up, then the ingest job's pages being read.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("file-input");
  var table = document.getElementById("uploads");
  var template = document.getElementById("row-template");
  var T = JSON.parse(document.getElementById("upload-texts").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var queue = [], busy = false;

  function addFiles(files) {
    for (var i = 0; i < files.length; i++) {
      var row = template.content.firstElementChild.cloneNode(true);
      row.querySelector(".name").textContent = files[i].name;
      table.tBodies[0].appendChild(row);
      queue.push({file: files[i], row: row});
    }
    table.hidden = false;
    next();
  }

  function next() {
    if (busy || !queue.length) return;
    busy = true;
    var item = queue.shift();
    send(item.file, item.row, function () { busy = false; next(); });
  }

  function setStage(row, text, cls) {
    var stage = row.querySelector(".stage");
    stage.textContent = text;
    row.className = "upload-row" + (cls ? " " + cls : "");
  }

  function link(row, data) {
    var a = document.createElement("a");
    a.href = "/documents/" + data.document_id;
    a.textContent = T.open + " #" + data.document_id;
    var cell = row.querySelector(".result");
    cell.textContent = "";
    cell.appendChild(a);
  }

  function send(file, row, done) {
    var bar = row.querySelector("progress");
    var xhr = new XMLHttpRequest();
    var body = new FormData();
    body.append("file", file);
    var unit = document.getElementById("upload-unit"), secrecy = document.getElementById("upload-secrecy");
    if (unit) body.append("unit", unit.value);
    if (secrecy) body.append("secrecy", secrecy.value);
    var direction = document.getElementById("upload-direction"), arrived = document.getElementById("upload-arrived");
    if (direction && direction.value) body.append("direction", direction.value);
    if (arrived && arrived.value) body.append("arrived_on", arrived.value);
    var personal = document.getElementById("upload-personal");
    if (personal && personal.checked) body.append("personal_data", "true");
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    if (csrf) xhr.setRequestHeader("X-CSRFToken", csrf.content);
    setStage(row, T.uploading);
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
    };
    xhr.onerror = function () { setStage(row, T.network, "failed"); done(); };
    xhr.onload = function () {
      var data = {};
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = {error: {message: xhr.statusText}}; }
      if (xhr.status >= 400) {
        bar.value = 0;
        setStage(row, T.failed, "failed");
        row.querySelector(".result").textContent = (data.error && data.error.message) || xhr.statusText;
      } else if (data.status === "duplicate") {
        bar.max = 1; bar.value = 1;
        setStage(row, T.duplicate, "duplicate");
        link(row, data);
      } else {
        link(row, data);
        poll(row, data.job_id);
      }
      done();
    };
    xhr.send(body);
  }

  function poll(row, jobId) {
    var bar = row.querySelector("progress");
    fetch("/jobs/" + jobId + "/progress", {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        bar.max = job.progress.total || 1;
        bar.value = job.progress.done;
        var pages = job.progress.done + "/" + (job.progress.total || "?") + " " + T.pages;
        setStage(row, (T[job.status] || job.status) + " · " + pages, job.status);
        if (job.status === "failed") {
          bar.value = 0;
          row.querySelector(".result").textContent = job.error || T.failed;
        } else if (job.status !== "done") {
          setTimeout(function () { poll(row, jobId); }, 1000);
        }
      })
      .catch(function () { setTimeout(function () { poll(row, jobId); }, 3000); });
  }

  input.addEventListener("change", function () { addFiles(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (ev) {
    form.addEventListener(ev, function (e) { e.preventDefault(); form.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    form.addEventListener(ev, function (e) { e.preventDefault(); form.classList.remove("over"); });
  });
  form.addEventListener("drop", function (e) { addFiles(e.dataTransfer.files); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
})();
