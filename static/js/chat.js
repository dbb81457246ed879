// The chat page inside the widget's frame: start a chat, poll for answers every second, send, end.
// The chat's token is kept in this frame's localStorage and, since browsers often refuse storage to
// a frame from another site, also by the launcher on the customer's page (widget.js), which hands it
// back in this page's #fragment: a reload, or the next page of the site, resumes the conversation.
// Every text shown comes from the page (#chat-strings), translated.
"use strict";

(() => {
  const root = document.getElementById("chat");
  if (!root) return;
  const strings = JSON.parse(document.getElementById("chat-strings").textContent);
  const api = root.dataset;
  const byId = (id) => document.getElementById(id);
  const startForm = byId("chat-start");
  const startError = byId("chat-start-error");
  const conversation = byId("chat-conversation");
  const log = byId("chat-log");
  const notice = byId("chat-notice");
  const compose = byId("chat-compose");
  const input = byId("chat-input");
  const STORE = "helpdesk-chat-token";
  const POLL_MS = 1000;
  const RETRY_MS = 3000;
  const framed = window.parent !== window;
  // The launcher's page, where the token may be sent (and nowhere else).
  const hostOrigin = (() => {
    try {
      return new URL(new URLSearchParams(location.search).get("page")).origin;
    } catch {
      return null;
    }
  })();

  let token = fromFragment() || recall();
  let status = "open";
  let last = 0;
  let timer = null;
  let quiet = true; // the first lines shown are not news for the launcher button

  function fromFragment() {
    const value = decodeURIComponent(location.hash.slice(1));
    if (value) history.replaceState(null, "", location.pathname + location.search);
    return value || null;
  }

  function recall() {
    try {
      return localStorage.getItem(STORE);
    } catch {
      return null; // storage blocked: the chat lasts as long as the page
    }
  }

  function remember(value) {
    token = value;
    try {
      if (value) localStorage.setItem(STORE, value);
      else localStorage.removeItem(STORE);
    } catch {
      // storage blocked: the launcher keeps it (below)
    }
    if (framed && hostOrigin) window.parent.postMessage({ helpdeskChat: "token", token: value }, hostOrigin);
  }

  // Tell the launcher on the customer's page (widget.js): "close" the frame, a "message" arrived.
  function tell(type) {
    if (framed) window.parent.postMessage({ helpdeskChat: type }, "*");
  }

  async function call(url, { method = "GET", body } = {}) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method,
      headers,
      body: body && JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, code: response.status, data };
  }

  function addLine(line) {
    if (byId(`line-${line.id}`)) return;
    const item = document.createElement("li");
    item.id = `line-${line.id}`;
    item.className = `chat-line from-${line.from}`;
    const meta = document.createElement("span");
    meta.className = "chat-meta";
    const time = new Date(line.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    meta.textContent = `${line.from === "visitor" ? strings.you : line.author} · ${time}`;
    const text = document.createElement("p");
    text.className = "chat-text";
    text.textContent = line.text;
    item.append(meta, text);
    log.append(item);
    last = Math.max(last, line.id);
    if (line.from === "agent" && !quiet) tell("message");
  }

  function show(lines) {
    if (!lines.length) return;
    lines.forEach(addLine);
    log.scrollTop = log.scrollHeight;
  }

  function say(text) {
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  // Show what the chat's state allows: writing while open, "start a new chat" once it is over.
  function render() {
    const open = status === "open";
    compose.hidden = !open;
    byId("chat-end").hidden = !open;
    byId("chat-new").hidden = open;
    if (open) say(log.querySelector(".from-agent") ? "" : strings.waiting);
    else say(strings[status] || strings.ended);
  }

  function enter(data) {
    startForm.hidden = true;
    conversation.hidden = false;
    show(data.messages || []);
    status = data.status || status;
    render();
    quiet = false;
    input.focus();
  }

  function reset() {
    clearTimeout(timer);
    remember(null);
    status = "open";
    last = 0;
    quiet = true;
    log.replaceChildren();
    conversation.hidden = true;
    startForm.hidden = false;
  }

  async function poll() {
    clearTimeout(timer);
    if (!token) return;
    try {
      const { ok, code, data } = await call(`${api.messages}?after=${last}`);
      if (code === 403) return reset(); // the chat is gone, or the token never was one
      if (ok) {
        startForm.hidden = true;
        conversation.hidden = false;
        show(data.messages);
        status = data.status;
        render();
        quiet = false;
      }
    } catch {
      say(strings.offline);
      timer = setTimeout(poll, RETRY_MS);
      return;
    }
    // Once the chat continues by email there is nothing more to wait for here.
    if (status === "open") timer = setTimeout(poll, POLL_MS);
  }

  function showErrors(data) {
    startForm.querySelectorAll(".errorlist").forEach((list) => list.remove());
    startError.textContent = data.error || strings.error;
    startError.hidden = false;
    for (const [name, messages] of Object.entries(data.fields || {})) {
      const row = startForm.querySelector(`[data-field="${name}"]`);
      if (!row) continue;
      const list = document.createElement("ul");
      list.className = "errorlist";
      for (const message of messages) {
        const item = document.createElement("li");
        item.textContent = message;
        list.append(item);
      }
      row.append(list);
    }
  }

  startForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = byId("chat-start-button");
    button.disabled = true;
    try {
      const { ok, data } = await call(api.start, { method: "POST", body: Object.fromEntries(new FormData(startForm)) });
      if (!ok) return showErrors(data);
      startError.hidden = true;
      startForm.reset();
      remember(data.token);
      enter(data);
      timer = setTimeout(poll, POLL_MS);
    } catch {
      showErrors({ error: strings.offline });
    } finally {
      button.disabled = false;
    }
  });

  compose.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const button = byId("chat-send");
    button.disabled = true;
    try {
      const { ok, data } = await call(api.send, { method: "POST", body: { message: text } });
      if (ok) {
        input.value = "";
        show([data.message]);
        render();
      } else {
        say(data.error || strings.error);
      }
    } catch {
      say(strings.offline);
    } finally {
      button.disabled = false;
      input.focus();
    }
  });

  // Enter sends, Shift+Enter starts a new line (as in every chat).
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      compose.requestSubmit();
    }
  });

  byId("chat-end").addEventListener("click", async () => {
    try {
      const { ok, data } = await call(api.end, { method: "POST" });
      if (ok) {
        clearTimeout(timer);
        status = data.status;
        render();
      }
    } catch {
      say(strings.offline);
    }
  });

  byId("chat-new").addEventListener("click", reset);

  if (framed) {
    const close = byId("chat-close");
    close.hidden = false;
    close.addEventListener("click", () => tell("close"));
    document.addEventListener("keydown", (event) => event.key === "Escape" && tell("close"));
  }

  if (token) {
    // Resume the chat of an earlier page: straight to the conversation, without the form flashing.
    startForm.hidden = true;
    conversation.hidden = false;
    poll();
  }
})();
