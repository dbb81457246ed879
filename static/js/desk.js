// The desk's keyboard and small behaviours. Every action also works with plain links and forms.
"use strict";

(() => {
  const rows = () => Array.from(document.querySelectorAll("[data-row]"));
  let current = -1;

  function select(index) {
    const list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach((row, i) => row.classList.toggle("selected", i === current));
    list[current].scrollIntoView({ block: "nearest" });
  }

  function typingTarget(element) {
    return element.closest("input, textarea, select, [contenteditable]");
  }

  function focusReply(mode) {
    const radio = document.querySelector(`[data-mode="${mode}"]`);
    const body = document.querySelector(".reply-form textarea");
    if (!radio || !body) return;
    radio.checked = true;
    body.focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typingTarget(event.target)) return;
    const actions = {
      j: () => select(current + 1),
      k: () => select(current - 1),
      Enter: () => current >= 0 && (window.location.href = rows()[current].dataset.href),
      x: () => {
        const box = current >= 0 && rows()[current].querySelector("input[type=checkbox]");
        if (box) box.checked = !box.checked;
      },
      r: () => focusReply("reply"),
      n: () => focusReply("note"),
      a: () => document.querySelector("#assign-me-form")?.requestSubmit(),
      "/": () => document.querySelector("[data-shortcut='/']")?.focus(),
      "?": () => document.querySelector("#shortcut-help")?.showModal(),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-show-help]")) {
      document.querySelector("#shortcut-help")?.showModal();
    }
    const all = event.target.closest("[data-check-all]");
    if (all) {
      document.querySelectorAll("#ticket-rows input[type=checkbox]").forEach((box) => (box.checked = all.checked));
    }
    const confirming = event.target.closest("[data-confirm]");
    if (confirming && !window.confirm(confirming.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Bulk bar: show only the input that the chosen action needs.
  function showBulkInput() {
    const action = document.querySelector("#bulk-action");
    if (!action) return;
    document.querySelectorAll("[data-bulk-for]").forEach((input) => {
      input.hidden = input.dataset.bulkFor !== action.value;
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.id === "bulk-action") showBulkInput();
  });

  // Do not refresh a list while the agent is choosing tickets in it.
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (event.target.id === "ticket-rows" && document.querySelector("#ticket-rows input:checked")) {
      event.preventDefault();
    }
  });

  // Tell the other agents on this ticket that we are typing (sent with the presence poll).
  let typingTimer = null;
  document.addEventListener("input", (event) => {
    if (!event.target.matches(".reply-form textarea")) return;
    const flag = document.querySelector("#typing-flag");
    if (!flag) return;
    flag.value = "1";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (flag.value = "0"), 8000);
  });

  document.addEventListener("DOMContentLoaded", showBulkInput);
})();

// Knowledge base: put an article's link or text into the reply at the cursor (the button's
// htmx request records the use on the ticket).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-kb-insert]");
  const body = document.querySelector(".reply-form textarea");
  if (!button || !body) return;
  const data = button.dataset;
  const text = data.kbInsert === "link" ? `${data.kbTitle}: ${data.kbUrl}` : data.kbText;
  const start = body.selectionStart ?? body.value.length;
  const before = body.value.slice(0, start);
  const spacer = before && !before.endsWith("\n") ? "\n" : "";
  body.value = `${before}${spacer}${text}\n${body.value.slice(body.selectionEnd ?? start)}`;
  body.focus();
});

// SLA countdowns: every second, each <time data-countdown> shows H:MM:SS left (or −H:MM:SS overdue)
// and its state class, the same format the server renders. Rows swapped in by htmx are found each tick.
(() => {
  const AT_RISK_MS = 3600 * 1000;
  function render(element, now) {
    const left = Date.parse(element.getAttribute("datetime")) - now;
    const seconds = Math.floor(Math.abs(left) / 1000);
    const pad = (value) => String(value).padStart(2, "0");
    const clock = `${Math.floor(seconds / 3600)}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
    const text = `${left < 0 ? "−" : ""}${clock}`;
    if (element.textContent !== text) element.textContent = text;
    element.classList.toggle("sla-breached", left <= 0);
    element.classList.toggle("sla-at-risk", left > 0 && left < AT_RISK_MS);
    element.classList.toggle("sla-on-track", left >= AT_RISK_MS);
  }
  function tick() {
    const now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach((element) => render(element, now));
  }
  setInterval(tick, 1000);
})();
