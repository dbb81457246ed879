// The helpdesk's chat launcher: the one script tag a site adds,
//   <script src="https://helpdesk.example.com/static/chat/widget.js" async></script>
// It draws a round button and, on click, a frame with the helpdesk's /chat/ page, which does all the
// work (in the helpdesk's own origin, styles and language). The helpdesk's address is taken from this
// script's own address (or data-helpdesk="https://…/" when the script is served from elsewhere).
// Styles are set through element.style only: nothing to clash with the site's CSS, and nothing a
// Content-Security-Policy without 'unsafe-inline' forbids.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || window.helpdeskChatLoaded) return;
  window.helpdeskChatLoaded = true;

  const base = new URL(script.dataset.helpdesk || "../../", script.src);
  const ACCENT = "#2557d6";
  // This tab remembers whether the chat was "open" or "closed", and the chat's token: the frame's own
  // storage is often refused to it as a third party. (Scripts of this site could read the token, and
  // with it this visitor's chat, as they could read what the visitor types on the site anyway.)
  const STATE = "helpdesk-chat";
  const TOKEN = "helpdesk-chat-token";
  const SVG = "http://www.w3.org/2000/svg";
  const BUBBLE = "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4A2.5 2.5 0 0 1 4 13.5z";
  const CROSS = "M6 6l12 12M18 6L6 18";

  let labels = { label: "", close: "", title: "" };
  let frame = null;
  let open = false;

  const button = document.createElement("button");
  const icon = document.createElementNS(SVG, "svg");
  const path = document.createElementNS(SVG, "path");
  const dot = document.createElement("span");

  function style(element, properties) {
    Object.assign(element.style, properties);
  }

  function remember(key, value) {
    try {
      if (value) sessionStorage.setItem(key, value);
      else sessionStorage.removeItem(key);
    } catch {
      // storage blocked: the chat simply starts afresh on the next page
    }
  }

  function recall(key) {
    try {
      return sessionStorage.getItem(key);
    } catch {
      return null;
    }
  }

  function drawButton() {
    button.type = "button";
    style(button, {
      position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483646",
      width: "56px", height: "56px", margin: "0", padding: "0", border: "0", borderRadius: "50%",
      background: ACCENT, color: "#fff", cursor: "pointer", display: "flex",
      alignItems: "center", justifyContent: "center", boxShadow: "0 4px 14px rgba(16, 24, 40, 0.3)",
    });
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("width", "28");
    icon.setAttribute("height", "28");
    icon.setAttribute("aria-hidden", "true");
    path.setAttribute("stroke", "#fff");
    path.setAttribute("stroke-width", "2");
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    icon.append(path);
    // A new answer while the chat is closed.
    style(dot, {
      position: "absolute", top: "2px", right: "2px", width: "14px", height: "14px",
      borderRadius: "50%", background: "#d92d20", border: "2px solid #fff", display: "none",
    });
    button.append(icon, dot);
    button.addEventListener("click", () => toggle(!open));
    document.body.append(button);
  }

  function place() {
    const phone = window.innerWidth < 520;
    style(frame, phone
      ? { top: "0", right: "0", bottom: "0", left: "0", width: "100%", height: "100%", borderRadius: "0" }
      : {
        top: "auto", right: "20px", bottom: "88px", left: "auto", width: "370px",
        height: "min(580px, calc(100vh - 108px))", borderRadius: "12px",
      });
  }

  function makeFrame() {
    frame = document.createElement("iframe");
    // The page the chat starts from, for the agent; without its query, which may hold private data.
    const page = location.origin + location.pathname;
    const token = recall(TOKEN);
    const fragment = token ? `#${encodeURIComponent(token)}` : "";
    frame.src = new URL(`chat/?page=${encodeURIComponent(page)}${fragment}`, base).href;
    frame.title = labels.title;
    style(frame, {
      position: "fixed", zIndex: "2147483647", border: "0", margin: "0", padding: "0", display: "none",
      background: "#fff", boxShadow: "0 8px 30px rgba(16, 24, 40, 0.25)", colorScheme: "normal",
    });
    place();
    document.body.append(frame);
  }

  // `byVisitor`: a click, remembered for the next page of the visit and given the focus.
  function toggle(value, byVisitor = true) {
    open = value;
    if (open && !frame) makeFrame();
    if (frame) style(frame, { display: open ? "block" : "none" });
    if (open) style(dot, { display: "none" });
    path.setAttribute("d", open ? CROSS : BUBBLE);
    path.setAttribute("fill", open ? "none" : "#fff");
    const label = open ? labels.close : labels.label;
    button.setAttribute("aria-label", label);
    button.title = label;
    button.setAttribute("aria-expanded", String(open));
    if (!byVisitor) return;
    remember(STATE, open ? "open" : "closed");
    if (open) frame.focus();
  }

  // Only the helpdesk's own frame may close itself or light the dot.
  window.addEventListener("message", (event) => {
    if (!frame || event.source !== frame.contentWindow || event.origin !== base.origin) return;
    const type = event.data && event.data.helpdeskChat;
    if (type === "close") {
      toggle(false);
      button.focus();
    } else if (type === "message" && !open) {
      style(dot, { display: "block" });
    } else if (type === "token" && (typeof event.data.token === "string" || event.data.token === null)) {
      remember(TOKEN, event.data.token);
    }
  });
  window.addEventListener("resize", () => frame && place());

  function start() {
    // The button's words, in the visitor's language. If the helpdesk cannot be reached, no button.
    fetch(new URL("chat/api/widget/", base), { credentials: "omit" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((config) => {
        labels = config;
        drawButton();
        const state = recall(STATE);
        // A chat used on an earlier page of this visit comes back as it was left (and, closed,
        // still listens for answers to light the dot).
        if (state === "closed") makeFrame();
        toggle(state === "open", false);
      })
      .catch(() => {});
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
