/* IdeaBox progressive enhancement. Every form works without this file. With it: votes and
   comments update in place, similar ideas show while writing, reply forms open on demand.
   Data is written with textContent only, never as HTML. */
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams) return;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = String(text);
    return n;
  }
  function hidden(name, value) {
    var i = el("input");
    i.type = "hidden"; i.name = name; i.value = value;
    return i;
  }
  function fill(template, n) { return String(template || "").replace("__N__", String(n)); }
  // When the enhanced path fails, post the form as usual: the server shows its own message.
  function plain(form, button) {
    if (button && button.name) form.appendChild(hidden(button.name, button.value));
    HTMLFormElement.prototype.submit.call(form);
  }
  var live;
  function announce(text) {
    if (!live) {
      live = el("p", "visually-hidden");
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }

  function vote(form, button) {
    var value = button.value, box = form.closest(".vote") || document;
    var opts = { method: value === "clear" ? "DELETE" : "PUT", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" } };
    if (value !== "clear") {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify({ value: value });
    }
    form.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-api"), opts)
      .then(function (res) { if (!res.ok) throw res; return res.json(); })
      .then(function (v) {
        box.querySelectorAll("[data-count]").forEach(function (s) {
          var n = s.getAttribute("data-count") === "support" ? v.support_count : v.oppose_count;
          s.textContent = fill(s.getAttribute("data-template"), n);
        });
        form.querySelectorAll("button[data-vote]").forEach(function (b) {
          var kind = b.getAttribute("data-vote"), on = v.my_vote === kind;
          b.setAttribute("aria-pressed", on ? "true" : "false");
          b.value = on ? "clear" : kind;
        });
        var status = box.querySelector(".vote-status");
        if (status) status.textContent = status.getAttribute("data-said-" + (v.my_vote || "clear")) || "";
      })
      .catch(function () { plain(form, button); })
      .then(function () { form.removeAttribute("aria-busy"); });
  }

  // Comments post the same form; the server's fresh comment list (or error page) replaces ours.
  function comment(form, button) {
    var section = document.getElementById("comments");
    if (!section || !window.DOMParser) return plain(form, button);
    var known = {};
    section.querySelectorAll("li.comment[id]").forEach(function (li) { known[li.id] = 1; });
    if (button) button.disabled = true;
    fetch(form.getAttribute("action"), { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf },
      body: new URLSearchParams(new FormData(form)) })
      .then(function (res) {
        if (!res.ok && res.status !== 422) throw res;
        return res.text().then(function (html) {
          return { failed: res.status === 422, doc: new DOMParser().parseFromString(html, "text/html") };
        });
      })
      .then(function (r) {
        var id = r.failed ? "main" : "comments";
        var fresh = r.doc.getElementById(id), old = document.getElementById(id);
        if (!fresh || !old) throw new Error("unexpected page");
        var node = document.importNode(fresh, true);
        old.replaceWith(node);
        replies(node);
        var focus = r.failed ? node.querySelector(".error-summary") : null;
        if (!r.failed) {
          var flash = r.doc.querySelector(".notice-success[role=status]");
          if (flash) announce(flash.textContent.trim());
          node.querySelectorAll("li.comment[id]").forEach(function (li) { if (!known[li.id]) focus = li; });
        }
        if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus(); }
      })
      .catch(function () { plain(form, button); });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target, button = e.submitter;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.classList.contains("vote-form") && button && button.getAttribute("data-vote")) {
      e.preventDefault();
      vote(form, button);
    } else if (form.classList.contains("comment-form")) {
      e.preventDefault();
      comment(form, button);
    }
  });

  function replies(root) {
    var section = document.getElementById("comments");
    var label = section && section.getAttribute("data-reply-label");
    if (!label) return;
    root.querySelectorAll("form.reply-form").forEach(function (form) {
      if (form.hasAttribute("data-enhanced") || form.classList.contains("reply-form-active")) return;
      form.setAttribute("data-enhanced", "");
      var toggle = el("button", "link-button reply-toggle", label);
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", form.id);
      form.hidden = true;
      form.parentNode.insertBefore(toggle, form);
      toggle.addEventListener("click", function () {
        var open = form.hidden;
        form.hidden = !open;
        toggle.setAttribute("aria-expanded", String(open));
        if (open) form.querySelector("textarea").focus();
      });
    });
  }

  // Similar ideas while writing ("once only"): a debounced look-up of what was already said.
  function similar() {
    var form = document.getElementById("idea-form"), box = document.getElementById("similar");
    var out = document.getElementById("similar-results");
    if (!form || !box || !out) return;
    var url = form.getAttribute("data-similar-url"), timer, asked = "", shown = null, latest = 0;
    function render(items) {
      var key = items.map(function (i) { return i.id + ":" + i.support_count; }).join();
      if (key === shown) return;
      shown = key;
      out.textContent = "";
      if (!items.length) return out.appendChild(el("p", "empty-state", box.getAttribute("data-none")));
      var list = out.appendChild(el("ul", "similar-list"));
      items.forEach(function (idea) {
        var path = "/ideas/" + encodeURIComponent(idea.id);
        var li = list.appendChild(el("li", "similar-item"));
        li.appendChild(el("a", null, idea.title)).href = path;
        if (idea.excerpt) li.appendChild(el("p", "small", idea.excerpt));
        li.appendChild(el("p", "small muted", fill(box.getAttribute("data-count-template"), idea.support_count)));
        var f = li.appendChild(el("form", "inline-form"));
        f.method = "post";
        f.action = path + "/vote";
        f.appendChild(hidden("csrf_token", csrf));
        f.appendChild(hidden("value", "support"));
        f.appendChild(el("button", "button button-small", box.getAttribute("data-support-label"))).type = "submit";
      });
    }
    function lookUp() {
      var text = Array.from((form.elements["title"].value + "\n" + form.elements["body"].value).trim()).slice(0, 600).join("");
      if (text === asked || text.length < 4) return;
      asked = text;
      var mine = ++latest;
      fetch(url + "?text=" + encodeURIComponent(text), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (data) { if (data && mine === latest) render(data.items || []); })
        .catch(function () { /* the preview step still shows them */ });
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookUp, 700); });
  }

  replies(document);
  similar();
})();

// The report's "print or save as PDF" button: the page prints without it, so it shows only
// when script runs.
(function () {
  "use strict";
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

// Bulk tagging on the idea list: "select all on this page" ticks every idea's box, and
// unticking one idea unticks "select all". Without script the server reads "select all" itself.
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var name = all.getAttribute("data-select-all");
    var boxes = function () {
      return Array.prototype.slice.call(document.querySelectorAll('input[type="checkbox"][form="' + name + '"][name="ids"]'));
    };
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
    });
    boxes().forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) all.checked = false;
        else if (boxes().every(function (b) { return b.checked; })) all.checked = true;
      });
    });
  });
})();

// Importing submissions: the file goes to the API as it is (no form encoding, so a 100 MB
// file is streamed, not copied), with the page's CSRF token; then the job's page follows it.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest) return;
  var status = form.querySelector(".upload-status");
  var bar = form.querySelector("#upload-progress");
  var message = form.querySelector(".upload-message");
  var types = { csv: "text/csv", eml: "message/rfc822", mbox: "application/mbox" };
  function say(text) { status.hidden = false; message.textContent = text; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = form.querySelector("#field-file").files[0];
    if (!file) { say(form.getAttribute("data-msg-type")); return; }
    var ext = (file.name.split(".").pop() || "").toLowerCase();
    var type = types[ext];
    if (!type) { say(form.getAttribute("data-msg-type")); return; }
    if (file.size > Number(form.getAttribute("data-max-bytes"))) { say(form.getAttribute("data-msg-too-large")); return; }
    var url = form.getAttribute("data-upload-url");
    var channel = form.querySelector("#field-channel").value;
    if (channel) url += "?channel=" + encodeURIComponent(channel);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", type);
    xhr.setRequestHeader("X-CSRF-Token", form.getAttribute("data-csrf"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round(e.loaded * 100 / e.total);
    });
    xhr.addEventListener("load", function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 202 && body && body.job) {
        window.location.assign("/jobs/" + encodeURIComponent(body.job.id));
      } else {
        say((body && (body.detail || body.title)) || form.getAttribute("data-msg-failed"));
      }
    });
    xhr.addEventListener("error", function () { say(form.getAttribute("data-msg-failed")); });
    say(form.getAttribute("data-msg-uploading"));
    xhr.send(file);
  });
})();

// A job's page: its progress bar follows the job until it ends, then the page shows the result.
(function () {
  "use strict";
  var box = document.getElementById("job-status");
  if (!box || !window.fetch || box.getAttribute("data-finished") === "true") return;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".job-progress-text");
  var template = box.getAttribute("data-progress-template") || "";
  function poll() {
    fetch(box.getAttribute("data-job-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (job) {
        if (!job) return;
        var done = job.progress.done, total = job.progress.total;
        if (total > 0) bar.value = Math.min(100, Math.round(done * 100 / total));
        text.textContent = template.replace("__D__", String(done)).replace("__T__", String(total));
        if (job.status === "done" || job.status === "failed") window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
