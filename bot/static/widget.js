/*
 * 宿州长三角政务服务助手 — chat widget for portals.
 *
 * Embed with one tag:
 *   <script src="https://<assistant host>/widget.js" data-title="政务服务助手"
 *           data-color="#1d5fa6" data-position="right" async></script>
 *
 * Everything lives in a Shadow DOM, so the portal's CSS cannot restyle it and its own CSS cannot leak
 * out; the script defines no globals. Bot text is always rendered as text (never as HTML); only
 * http(s) links become links. The conversation id and history are kept in the portal's localStorage,
 * so they survive reloads and navigation within the portal — or in sessionStorage (gone when the tab
 * closes: shared kiosks) with data-storage="session" or the gateway's SZ_WIDGET_STORAGE=session. Kept
 * history expires after SZ_WIDGET_HISTORY_HOURS, and what the citizen typed is kept only as the
 * server's masked echo (personal numbers replaced), never as typed.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__szAssistantWidget) {
    return;
  }
  window.__szAssistantWidget = true; // guards against the snippet being pasted twice

  var API = new URL(script.src, document.baseURI).origin;
  var STORE = "sz-assistant:";
  var MAX_HISTORY = 120;
  var MAX_CHARS = 500;
  var REQUEST_TIMEOUT_MS = 10000;
  var HOTLINE_TEXT = "助手暂时没有响应。请稍后重试，或拨打12345政务服务便民热线。";
  var URL_PATTERN = /(https?:\/\/[^\s，。；、）)\]】"'<>]+)/g;
  // the gateway writes its settings here when it serves this file (SZ_WIDGET_STORAGE, SZ_WIDGET_HISTORY_HOURS)
  var SETTINGS = /*sz-settings*/{"storage": "local", "historyHours": 24}/*end*/;

  var config = {
    title: (script.dataset.title || "政务服务助手").slice(0, 40),
    color: /^#[0-9a-fA-F]{3,8}$/.test(script.dataset.color || "") ? script.dataset.color : "#1d5fa6",
    position: script.dataset.position === "left" ? "left" : "right",
    // a portal may choose sessionStorage for itself; it cannot loosen the gateway's choice
    storage: script.dataset.storage === "session" || SETTINGS.storage === "session" ? "session" : "local",
    historyMs: Math.max(0, Number(SETTINGS.historyHours) || 0) * 3600 * 1000,
  };

  function storage() {
    return config.storage === "session" ? window.sessionStorage : window.localStorage;
  }

  // ---- state ---------------------------------------------------------------------------------

  function load(key, fallback) {
    try {
      var raw = storage().getItem(STORE + key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    try {
      storage().setItem(STORE + key, JSON.stringify(value));
    } catch (e) {
      /* storage full or disabled: the conversation still works, it just is not kept */
    }
  }

  function newConversationId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function expired() {
    // kept history (and its conversation) is forgotten once it is older than the gateway allows
    var savedAt = Number(load("savedAt", 0));
    return !savedAt || Date.now() - savedAt > config.historyMs;
  }

  var fresh = expired();
  var state = {
    conversationId: (!fresh && load("conversation", null)) || newConversationId(),
    history: fresh ? [] : load("history", []),
    prefs: load("prefs", { large: false, contrast: false, open: false }),
    busy: false,
    controller: null, // the request in flight, aborted by "新对话"
    queue: [], // messages sent while an answer is still coming, sent next in order
    failed: null, // the message that could not be sent, for "重试"
  };
  save("conversation", state.conversationId);
  if (fresh) {
    save("history", []);
  }

  // ---- DOM -----------------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") {
        node.textContent = attrs.text;
      } else if (name === "className") {
        node.className = attrs.className;
      } else if (name.indexOf("on") === 0) {
        node.addEventListener(name.slice(2), attrs[name]);
      } else if (attrs[name] !== null && attrs[name] !== undefined && attrs[name] !== false) {
        node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(child);
      }
    });
    return node;
  }

  var host = el("div", { id: "sz-assistant-widget", "data-position": config.position });
  host.style.setProperty("--sz-color", config.color);
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: API + "/widget.css" }));

  var launcher = el("button", {
    className: "launcher",
    type: "button",
    "aria-expanded": "false",
    "aria-controls": "sz-panel",
    onclick: function () { setOpen(true); },
  }, [el("span", { "aria-hidden": "true", text: "💬 " }), el("span", { text: "在线咨询" })]);

  var log = el("div", { className: "log", role: "log", "aria-live": "polite", "aria-label": "对话记录", tabindex: "0" });
  var typing = el("div", { className: "typing", hidden: true, text: "助手正在输入…" });
  var status = el("div", { className: "status", role: "status" });
  var input = el("textarea", {
    id: "sz-input",
    rows: "2",
    maxlength: String(MAX_CHARS),
    placeholder: "请输入您想办的事，按回车发送",
    "aria-label": "输入您的问题",
  });
  var sendButton = el("button", { className: "send", type: "submit", text: "发送" });
  var largeButton = el("button", { type: "button", className: "tool", "aria-pressed": "false", text: "大字", onclick: toggle("large") });
  var contrastButton = el("button", { type: "button", className: "tool", "aria-pressed": "false", text: "高对比", onclick: toggle("contrast") });

  var panel = el("section", { className: "panel", id: "sz-panel", role: "dialog", "aria-label": config.title, hidden: true }, [
    el("header", {}, [
      el("h2", { text: config.title }),
      el("div", { className: "tools" }, [
        largeButton,
        contrastButton,
        el("button", { type: "button", className: "tool", text: "新对话", onclick: newConversation }),
        el("button", { type: "button", className: "close", "aria-label": "关闭对话", text: "×", onclick: function () { setOpen(false); } }),
      ]),
    ]),
    log,
    typing,
    status,
    el("form", { className: "composer", onsubmit: onSubmit }, [
      el("button", { type: "button", className: "human", text: "找人工", onclick: function () { send("/request_human", "找人工"); } }),
      input,
      sendButton,
    ]),
  ]);

  root.appendChild(launcher);
  root.appendChild(panel);

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      onSubmit(event);
    }
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      setOpen(false);
    }
  });

  // ---- rendering -----------------------------------------------------------------------------

  function timeLabel(iso) {
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function textWithLinks(text) {
    var fragment = document.createDocumentFragment();
    String(text).split(URL_PATTERN).forEach(function (part, index) {
      if (index % 2 === 1) {
        fragment.appendChild(el("a", { href: part, target: "_blank", rel: "noopener noreferrer", text: part }));
      } else if (part) {
        fragment.appendChild(document.createTextNode(part));
      }
    });
    return fragment;
  }

  function renderEntry(entry, index) {
    var bubble = el("div", { className: "bubble" });
    bubble.appendChild(textWithLinks(entry.text || ""));
    var who = entry.role === "user" ? "我" : entry.role === "bot" ? "助手" : "提示";
    var item = el("div", { className: "msg " + entry.role }, [
      el("span", { className: "sr-only", text: who + "：" }),
      bubble,
      el("time", { datetime: entry.time, text: timeLabel(entry.time) }),
    ]);
    if (entry.buttons && entry.buttons.length) {
      item.appendChild(el("div", { className: "quick", role: "group", "aria-label": "可选的下一步" },
        entry.buttons.map(function (button) {
          return el("button", {
            type: "button",
            text: button.title,
            onclick: function () { send(button.payload, button.title); },
          });
        })));
    }
    if (entry.feedback !== undefined) {
      item.appendChild(renderFeedback(entry, index));
    }
    if (entry.retry) {
      item.appendChild(el("button", { type: "button", className: "retry", text: "重试", onclick: retry }));
    }
    return item;
  }

  function renderFeedback(entry, index) {
    if (entry.feedback) {
      return el("div", { className: "feedback done", text: "谢谢您的反馈" });
    }
    function rate(helpful) {
      return function () {
        state.history[index].feedback = helpful ? "helpful" : "unhelpful";
        persist();
        render();
        send(helpful ? "/feedback_helpful" : "/feedback_unhelpful", helpful ? "有帮助" : "没帮助");
      };
    }
    return el("div", { className: "feedback", role: "group", "aria-label": "这个回答有帮助吗" }, [
      el("span", { text: "这个回答：" }),
      el("button", { type: "button", text: "有帮助", onclick: rate(true) }),
      el("button", { type: "button", text: "没帮助", onclick: rate(false) }),
    ]);
  }

  function render() {
    log.textContent = "";
    state.history.forEach(function (entry, index) { log.appendChild(renderEntry(entry, index)); });
    log.scrollTop = log.scrollHeight;
  }

  function append(entry) {
    state.history.push(entry);
    if (state.history.length > MAX_HISTORY) {
      state.history = state.history.slice(-MAX_HISTORY);
    }
    persist();
    log.appendChild(renderEntry(entry, state.history.length - 1));
    log.scrollTop = log.scrollHeight;
  }

  function persist() {
    // a message the citizen typed is kept only once the server's masked echo has replaced it
    save("history", state.history.filter(function (entry) { return !entry.pending; }));
    save("savedAt", Date.now());
  }

  function applyPrefs() {
    panel.classList.toggle("large", !!state.prefs.large);
    panel.classList.toggle("contrast", !!state.prefs.contrast);
    launcher.classList.toggle("large", !!state.prefs.large);
    largeButton.setAttribute("aria-pressed", String(!!state.prefs.large));
    contrastButton.setAttribute("aria-pressed", String(!!state.prefs.contrast));
  }

  function toggle(name) {
    return function () {
      state.prefs[name] = !state.prefs[name];
      save("prefs", state.prefs);
      applyPrefs();
    };
  }

  function setOpen(open) {
    state.prefs.open = open;
    save("prefs", state.prefs);
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      if (!state.history.length) {
        send("/greet", null);
      }
      input.focus();
    } else {
      launcher.focus();
    }
  }

  // ---- talking to the assistant --------------------------------------------------------------

  function onSubmit(event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      return;
    }
    input.value = "";
    send(text, text);
  }

  function send(message, shownAs, alreadyShown, shownEntry) {
    var entry = shownEntry || null; // the citizen's bubble, to keep only its masked text
    if (shownAs && !alreadyShown) {
      entry = { role: "user", text: shownAs, time: new Date().toISOString(), pending: message === shownAs };
      append(entry);
    }
    if (state.busy) {
      state.queue.push({ message: message, shownAs: shownAs, entry: entry });
      return;
    }
    state.failed = null;
    setBusy(true);
    var conversationId = state.conversationId;
    var controller = new AbortController();
    state.controller = controller;
    var timer = window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    window.fetch(API + "/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ conversation_id: conversationId, message: message }),
      signal: controller.signal,
      credentials: "omit",
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      })
      .then(function (reply) {
        if (conversationId !== state.conversationId) {
          return; // the citizen started a new conversation meanwhile
        }
        keepMasked(entry, message, reply.body.message);
        if (reply.ok && reply.body.status === "ok") {
          receive(reply.body.messages || []);
        } else if (reply.status >= 400 && reply.status < 500 && reply.body.error) {
          restoreInput(message, shownAs); // refused with a reason (too fast, too long …): keep the text
          note(reply.body.error, false); // and say why
        } else {
          fail(message, shownAs, entry);
        }
      })
      .catch(function () {
        if (conversationId === state.conversationId) {
          fail(message, shownAs, entry);
        }
      })
      .then(function () {
        window.clearTimeout(timer);
        if (state.controller === controller) {
          state.controller = null;
          setBusy(false);
          var next = state.queue.shift();
          if (next) {
            send(next.message, next.shownAs, true, next.entry);
          }
        }
      });
  }

  function receive(messages) {
    status.textContent = "";
    var now = new Date().toISOString();
    messages.forEach(function (message, i) {
      var entry = { role: "bot", text: message.text || "", buttons: message.buttons || [], time: now };
      if (i === messages.length - 1 && /负责部门|信息来源/.test(messages.map(function (m) { return m.text || ""; }).join(""))) {
        entry.feedback = null; // an answer from the KB: ask whether it helped
      }
      append(entry);
    });
  }

  function note(text, canRetry) {
    append({ role: "system", text: text, time: new Date().toISOString(), retry: canRetry });
  }

  function keepMasked(entry, message, masked) {
    // the kept history holds what the server kept (personal numbers masked), never the typed text
    if (!entry || !entry.pending || typeof masked !== "string" || !masked) {
      return;
    }
    var changed = entry.text !== masked;
    entry.text = masked;
    delete entry.pending;
    persist();
    if (changed) {
      render();
    }
  }

  function restoreInput(message, shownAs) {
    if (shownAs && message === shownAs && !input.value) {
      input.value = shownAs; // nothing typed is lost: the text is back in the box
    }
  }

  function fail(message, shownAs, entry) {
    state.failed = { message: message, shownAs: shownAs, entry: entry };
    restoreInput(message, shownAs);
    status.textContent = "连接失败";
    note(HOTLINE_TEXT, true);
  }

  function retry() {
    var failed = state.failed;
    if (!failed) {
      return;
    }
    if (failed.shownAs && input.value === failed.shownAs) {
      input.value = "";
    }
    state.history = state.history.filter(function (entry) { return !entry.retry; });
    persist();
    render();
    send(failed.message, null, true, failed.entry);
  }

  function setBusy(busy) {
    state.busy = busy;
    typing.hidden = !busy;
    sendButton.disabled = busy;
    log.setAttribute("aria-busy", String(busy));
  }

  function newConversation() {
    if (state.controller) {
      state.controller.abort();
      state.controller = null;
      setBusy(false);
    }
    state.conversationId = newConversationId();
    state.history = [];
    state.queue = [];
    state.failed = null;
    save("conversation", state.conversationId);
    persist();
    render();
    send("/greet", null);
    input.focus();
  }

  // ---- start ---------------------------------------------------------------------------------

  function start() {
    document.body.appendChild(host);
    applyPrefs();
    render();
    if (state.prefs.open) {
      panel.hidden = false;
      launcher.hidden = true;
      launcher.setAttribute("aria-expanded", "true");
    }
  }

  if (document.body) {
    start();
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
