// A small rich-text editor for textareas marked data-rich-text (the portal's request description).
// Progressive enhancement: without this file the textarea is sent as plain text. With it, the
// formatted text goes in the hidden field named by data-rich-text, and the server sanitises it (nh3).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const textarea of document.querySelectorAll("textarea[data-rich-text]")) {
    const hidden = textarea.form.elements[textarea.dataset.richText];
    const toolbar = document.getElementById(`${textarea.id}-toolbar`);
    if (!hidden || !toolbar) continue;
    const editor = document.createElement("div");
    editor.className = "rich-text-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-labelledby", `${textarea.id}-label`);
    editor.innerText = textarea.value;
    const describedBy = textarea.getAttribute("aria-describedby");
    if (describedBy) editor.setAttribute("aria-describedby", describedBy);
    textarea.after(editor);
    textarea.hidden = true;
    toolbar.hidden = false;
    const sync = () => {
      textarea.value = editor.innerText.trim();
      hidden.value = textarea.value ? editor.innerHTML : "";
    };
    editor.addEventListener("input", sync);
    toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-command]");
      if (!button) return;
      event.preventDefault();
      editor.focus();
      const command = button.dataset.command;
      if (command === "createLink") {
        const url = window.prompt(button.dataset.prompt || "URL", "https://");
        if (!url || !/^(https?:|mailto:)/i.test(url)) return;
        document.execCommand(command, false, url);
      } else {
        document.execCommand(command);
      }
      sync();
    });
    sync();
  }
});
