// newsloc review editor: select a segment, edit it, save it into the PO (see pipeline/serve/).
// Everything shown is taken from the page with textContent, value and cloneNode: no HTML is ever
// built from text here.
(function () {
  "use strict";
  var body = document.body;
  var token = body.dataset.token;
  var version = body.dataset.version;
  var saveUrl = body.dataset.saveUrl;
  var pageUrl = body.dataset.pageUrl;
  var panel = document.getElementById("editor");
  var text = document.getElementById("edit-text");
  var status = document.getElementById("editor-status");
  var codes = document.getElementById("silence-code");
  var reason = document.getElementById("silence-reason");
  var selected = null;   // id of the selected segment span
  var opener = null;     // the control that opened the panel, for focus on close

  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? "error" : "";
  }

  function copyChildren(from, to) {
    to.replaceChildren();
    if (!from) { return; }
    from.childNodes.forEach(function (node) { to.appendChild(node.cloneNode(true)); });
  }

  function open(id, focus) {
    var span = document.getElementById(id);
    if (!span) { panel.hidden = true; return; }
    document.querySelectorAll("main .seg.selected").forEach(function (s) { s.classList.remove("selected"); });
    span.classList.add("selected");
    selected = id;
    var detail = document.getElementById("detail-" + id);
    var where = detail ? detail.querySelector(".where") : null;
    var parts = where ? where.firstChild.textContent.split("·").map(function (part) { return part.trim(); })
      .filter(Boolean) : ["Segment"];
    document.getElementById("editor-heading").textContent = parts[0];
    document.getElementById("editor-where").textContent = parts.slice(1).join(" · ");
    var source = document.getElementById("editor-source");
    copyChildren(detail ? detail.querySelector(".source") : null, source);
    if (source.firstChild && source.firstChild.className === "label") { source.removeChild(source.firstChild); }
    var flags = document.getElementById("editor-flags");
    copyChildren(detail ? detail.querySelector("ul.messages") : null, flags);
    if (!flags.childNodes.length) {
      var none = document.createElement("li");
      none.textContent = "No flags.";
      flags.appendChild(none);
    }
    // Translation-memory suggestions, where the page lists them for this segment.
    var suggestions = detail ? detail.querySelector(".suggestions") : null;
    copyChildren(suggestions, document.getElementById("editor-suggestions-list"));
    document.getElementById("editor-suggestions").hidden = !suggestions;
    document.querySelectorAll("#editor-suggestions-list li[data-target]").forEach(function (item) {
      var use = document.createElement("button");
      use.type = "button";
      use.className = "use-suggestion";
      use.textContent = "Use";
      use.addEventListener("click", function () { text.value = item.dataset.target; text.focus(); });
      item.appendChild(document.createTextNode(" "));
      item.appendChild(use);
    });
    codes.replaceChildren();
    var seen = {};
    flags.querySelectorAll("li[data-flag]").forEach(function (item) {
      var code = item.dataset.flag;
      if (!seen[code]) { seen[code] = true; codes.appendChild(new Option(code, code)); }
    });
    document.getElementById("silence-form").hidden = !codes.options.length;
    text.value = span.dataset.target || "";
    document.getElementById("editor-conflict").hidden = true;
    panel.hidden = false;
    body.classList.add("editing");
    if (focus) { text.focus(); }
  }

  function close() {
    panel.hidden = true;
    body.classList.remove("editing");
    document.querySelectorAll("main .seg.selected").forEach(function (s) { s.classList.remove("selected"); });
    // Back to the segment's own button (a save re-renders the article, so look it up again).
    var back = opener && document.body.contains(opener) ? opener
      : document.querySelector("main button.edit[data-segment='" + selected + "']");
    if (back) { back.focus(); }
  }

  async function refresh() {
    var response = await fetch(pageUrl, { headers: { Accept: "text/html" }, cache: "no-store" });
    if (!response.ok) { throw new Error("could not reload the page (" + response.status + ")"); }
    var fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    ["review-summary", "segment-details"].forEach(function (id) {
      var mine = document.getElementById(id);
      var theirs = fresh.getElementById(id);
      if (mine && theirs) { mine.replaceWith(document.importNode(theirs, true)); }
    });
    var main = document.querySelector("main");
    var freshMain = fresh.querySelector("main");
    if (main && freshMain) { main.replaceWith(document.importNode(freshMain, true)); }
    version = fresh.body.dataset.version;
  }

  async function save(change) {
    var span = document.getElementById(selected);
    if (!span) { return; }
    var request = { context: span.dataset.key, msgid: span.dataset.msgid, version: version };
    Object.keys(change).forEach(function (key) { request[key] = change[key]; });
    say("Saving…", false);
    try {
      var response = await fetch(saveUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Newsloc-Token": token },
        body: JSON.stringify(request),
      });
      var answer = await response.json();
      if (!response.ok) {
        say("Not saved: " + answer.error, true);
        if (answer.current) {
          document.getElementById("editor-other").textContent =
            answer.current.text + " (" + answer.current.state + ")";
          document.getElementById("editor-conflict").hidden = false;
        }
        return;
      }
      var id = selected;
      await refresh();
      open(id, false);
      say(answer.message, false);
    } catch (error) {
      say("Not saved: " + error.message, true);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.edit");
    if (button) { opener = button; open(button.dataset.segment, true); return; }
    var span = event.target.closest("main .seg");
    if (span && !event.target.closest("a")) { opener = null; open(span.id, true); }
  });
  document.getElementById("edit-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var state = event.submitter ? event.submitter.value : "draft";
    save({ text: text.value, reviewed: state === "reviewed" });
  });
  document.getElementById("silence-form").addEventListener("submit", function (event) {
    event.preventDefault();
    save({ silence: { code: codes.value, reason: reason.value } });
  });
  document.getElementById("editor-close").addEventListener("click", close);
  document.getElementById("editor-reload").addEventListener("click", function () { location.reload(); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { close(); }
  });
  if (location.hash && location.hash.indexOf("#seg-") === 0) { open(location.hash.slice(1), false); }
})();
