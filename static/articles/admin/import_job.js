/* The import job page: ask the server for the job's progress every second or so and show
 * it, until the job is done. Without JavaScript the page shows the state as of its load;
 * a reload shows the current one. */
(function () {
  "use strict";
  var root = document.getElementById("import-job");
  if (!root) { return; }
  var url = root.getAttribute("data-progress-url");
  var interval = parseInt(root.getAttribute("data-interval"), 10) || 1500;
  var after = 0;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }

  function row(file) {
    var tr = document.getElementById("file-" + file.position);
    if (!tr) { return; }
    tr.className = "file-" + file.action;
    var action = tr.querySelector(".file-action");
    action.textContent = "";
    if (file.article_url) {
      var link = document.createElement("a");
      link.href = file.article_url;
      link.textContent = file.action_label;
      action.appendChild(link);
    } else {
      action.textContent = file.action_label;
    }
    var reason = tr.querySelector(".file-reason");
    reason.textContent = "";
    if (file.gist) {
      reason.appendChild(document.createTextNode(file.gist + " "));
      var detail = document.createElement("small");
      detail.lang = "en";
      detail.textContent = "(" + file.detail + ")";
      reason.appendChild(detail);
    } else if (file.detail) {
      var span = document.createElement("span");
      span.lang = "en";
      span.textContent = file.detail;
      reason.appendChild(span);
    }
  }

  function show(state) {
    var status = document.getElementById("job-status");
    if (status) {
      status.textContent = state.status_label;
      status.className = "job-status job-" + state.status;
    }
    ["done", "total", "created", "unchanged", "exists", "failed"].forEach(function (name) {
      text("job-" + name, String(state[name]));
    });
    var bar = document.getElementById("job-progress");
    if (bar) { bar.value = state.percent; bar.textContent = state.percent + "%"; }
    (state.files || []).forEach(function (file) {
      row(file);
      after = Math.max(after, file.position);
    });
    var resume = document.getElementById("job-resume");
    if (resume) { resume.hidden = !state.stalled; }
    if (state.finished_text) { text("job-finished-at", state.finished_text); }
  }

  function poll() {
    fetch(url + "?after=" + after, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        show(state);
        // Files beyond one answer's share: ask again at once.
        if (!state.finished || (state.files && state.files.length >= 500)) {
          window.setTimeout(poll, state.files && state.files.length >= 500 ? 0 : interval);
        }
      })
      .catch(function () { window.setTimeout(poll, interval * 4); });
  }

  if (root.getAttribute("data-finished") !== "1") { window.setTimeout(poll, interval); }
})();
