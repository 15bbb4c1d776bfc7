// Keeps what was typed when a form is sent after the session expired.
//
// On every form sent, its text fields are kept in this tab's sessionStorage (not
// localStorage: notes can name an illness or violence survived, and must not outlive the tab on
// a shared computer). If the server answers with the login page, the login form returns to the
// page the form was on, and that page puts the text back into the same form and says so. On
// any other page the kept text is dropped: the form went through, or the user moved on.
(function () {
  "use strict";
  var DRAFT = "resettle.draft";
  var RESTORE = "resettle.restore";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }

  function here() { return location.pathname + location.search; }

  function kept(field) {
    if (!field.name || field.disabled) { return false; }
    if (field.name === "csrf_token" || field.name === "password" || field.name === "totp") {
      return false;
    }
    var tag = field.tagName.toLowerCase();
    var type = (field.getAttribute("type") || "text").toLowerCase();
    if (tag === "textarea" || tag === "select") { return true; }
    return tag === "input" && ["text", "search", "number", "date", "email", "tel", "url"]
      .indexOf(type) >= 0;
  }

  function remember(form) {
    var values = {};
    var any = false;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (kept(field)) {
        values[field.name] = field.value;
        if (field.tagName.toLowerCase() !== "select" && field.value.trim() !== "") { any = true; }
      }
    });
    if (!any) { store.removeItem(DRAFT); return; }
    store.setItem(DRAFT, JSON.stringify({
      page: here(), action: form.getAttribute("action") || "", values: values
    }));
  }

  function draft() {
    try { return JSON.parse(store.getItem(DRAFT) || "null"); } catch (e) { return null; }
  }

  function putBack(saved) {
    var form = Array.prototype.find.call(document.forms, function (f) {
      return (f.getAttribute("action") || "") === saved.action;
    });
    if (!form) { return false; }
    var restored = false;
    Object.keys(saved.values).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && kept(field) && (field.value === "" || field.tagName.toLowerCase() === "select")) {
        field.value = saved.values[name];
        restored = restored || saved.values[name] !== "";
      }
    });
    if (restored) {
      var note = document.createElement("p");
      note.className = "notice";
      note.id = "draft-restored";
      note.setAttribute("role", "status");
      note.textContent = "The text you had not sent yet was put back in the form below. " +
        "Check it and send it again.";
      form.parentNode.insertBefore(note, form);
      var first = form.querySelector("textarea, input[type=text]");
      if (first) { first.focus(); }
    }
    return restored;
  }

  function onLoginPage(login) {
    var saved = draft();
    var next = document.getElementById("next");
    if (saved && next && !next.value) { next.value = saved.page; }
    login.addEventListener("submit", function () { store.setItem(RESTORE, "1"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var login = document.getElementById("login-form");
    if (login) { onLoginPage(login); return; }
    var saved = draft();
    if (saved && store.getItem(RESTORE) && saved.page === here()) { putBack(saved); }
    store.removeItem(RESTORE);
    store.removeItem(DRAFT);
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form && form.getAttribute("action") !== "/logout") { remember(form); }
    });
  });
}());
