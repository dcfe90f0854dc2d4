/* Messaging, live: one socket per page (/ws/messaging/) for the unread badges, presence
   dots, the open conversation (messenger or chat panel), typing and read state; and the
   chat panel, whose content loads when it opens. Without the socket everything still
   works over plain HTTP (forms post, htmx swaps). Texts come from data-text-* attributes
   of the shell fragment (translated by the templates). No inline script or style. */
(function () {
  "use strict";
  var root = document.querySelector("[data-messaging-live]");
  if (!root) { return; }
  var me = parseInt(root.getAttribute("data-user"), 10);
  var IDLE_AFTER = 5 * 60 * 1000;
  var TYPING_EVERY = 3000;
  var TYPING_SHOWN = 5000;

  function text(name, values) {
    var value = root.getAttribute("data-text-" + name) || "";
    Object.keys(values || {}).forEach(function (key) {
      value = value.split("%(" + key + ")s").join(values[key]);
    });
    return value;
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // ---- Badges ---------------------------------------------------------------------------
  var total = null;
  function setBadge(element, count) {
    element.hidden = !count;
    var before = document.createElement("span");
    before.className = "visually-hidden";
    before.textContent = "(";
    var after = before.cloneNode();
    after.textContent = ")";
    element.replaceChildren(before, document.createTextNode(String(count)), after);
  }
  function setTotal(count) {
    total = Math.max(0, count);
    document.querySelectorAll('[data-badge="messages"]').forEach(function (badge) { setBadge(badge, total); });
  }
  function setUnread(conversation, count) {
    document.querySelectorAll('[data-unread-for="' + conversation + '"]').forEach(function (badge) {
      badge.hidden = !count;
      badge.firstChild.nodeValue = String(count);
      var item = badge.closest("[data-conversation-item]");
      if (item) { item.classList.toggle("conversation-item--unread", count > 0); }
    });
  }
  function unreadOf(conversation) {
    var badge = document.querySelector('[data-unread-for="' + conversation + '"]');
    return badge && !badge.hidden ? parseInt(badge.firstChild.nodeValue, 10) || 0 : 0;
  }
  function isMuted(conversation) {
    return !!document.querySelector('[data-conversation-item="' + conversation + '"][data-muted], [data-conversation="' + conversation + '"][data-muted="1"]');
  }

  // ---- The socket -----------------------------------------------------------------------
  var socket = null;
  var attempts = 0;
  var stopped = false;
  var pending = {}; // client_id -> frame, until acknowledged (re-sent on reconnect)
  var lastIds = {}; // conversation id -> the last message id this page holds
  var presenceState = "active";
  var lastInput = Date.now();

  function send(frame) {
    if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; }
    return false;
  }
  window.portal = window.portal || {};
  window.portal.messagingSend = send;

  function openConversations() {
    return Array.prototype.slice.call(document.querySelectorAll("section[data-conversation]"));
  }
  function trackLastIds() {
    openConversations().forEach(function (section) {
      var id = section.getAttribute("data-conversation");
      var last = parseInt(section.getAttribute("data-last-id"), 10) || 0;
      lastIds[id] = Math.max(lastIds[id] || 0, last);
    });
  }
  function resume() {
    trackLastIds();
    var after = {};
    openConversations().forEach(function (section) {
      var id = section.getAttribute("data-conversation");
      after[id] = lastIds[id] || 0;
    });
    if (Object.keys(after).length) { send({ type: "resume", after: after }); }
  }
  function watch() {
    var ids = {};
    document.querySelectorAll("[data-presence-for]").forEach(function (dot) {
      var id = parseInt(dot.getAttribute("data-presence-for"), 10);
      if (id && id !== me) { ids[id] = true; }
    });
    var list = Object.keys(ids).slice(0, 200).map(Number);
    if (list.length) { send({ type: "watch", users: list }); }
  }
  function readVisible() {
    if (document.visibilityState !== "visible") { return; }
    openConversations().forEach(function (section) {
      if (section.closest("[hidden]")) { return; }
      var id = section.getAttribute("data-conversation");
      if (lastIds[id]) { send({ type: "read", conversation: parseInt(id, 10), up_to: lastIds[id] }); }
    });
  }

  function connect() {
    if (!window.WebSocket || stopped) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-ws-path"));
    } catch (error) { return; }
    socket.addEventListener("open", function () {
      attempts = 0;
      document.documentElement.classList.remove("messaging-offline");
      send({ type: "presence", state: presenceState });
      resume();
      watch();
      Object.keys(pending).forEach(function (id) { send(pending[id]); });
      readVisible();
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      handle(frame);
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === 4401 || event.code === 4403) { stopped = true; return; }
      document.documentElement.classList.add("messaging-offline");
      var delay = Math.min(30000, 1000 * Math.pow(2, attempts)) + Math.floor(Math.random() * 500);
      attempts += 1;
      window.setTimeout(connect, delay);
    });
  }

  window.setInterval(function () { send({ type: "ping" }); }, 25000);

  // ---- Idle and active --------------------------------------------------------------------
  function input() {
    lastInput = Date.now();
    if (presenceState !== "active") { presenceState = "active"; send({ type: "presence", state: "active" }); }
  }
  ["keydown", "pointerdown", "pointermove", "scroll", "focus"].forEach(function (name) {
    window.addEventListener(name, input, { passive: true, capture: true });
  });
  window.setInterval(function () {
    if (presenceState === "active" && Date.now() - lastInput > IDLE_AFTER) {
      presenceState = "idle";
      send({ type: "presence", state: "idle" });
    }
  }, 30000);
  document.addEventListener("visibilitychange", readVisible);

  // ---- Frames ---------------------------------------------------------------------------
  function handle(frame) {
    switch (frame.type) {
      case "hello":
        if (typeof frame.total === "number") { setTotal(frame.total); }
        Object.keys(frame.unread || {}).forEach(function (id) { setUnread(id, frame.unread[id]); });
        break;
      case "message":
        received(frame.message);
        break;
      case "ack":
        acknowledged(frame.client_id, frame.message);
        break;
      case "messages":
        (frame.messages || []).forEach(received);
        if (frame.more) { resume(); }
        break;
      case "typing":
        typing(frame.conversation, frame.user);
        break;
      case "unread":
        setUnread(frame.conversation, frame.unread);
        if (typeof frame.total === "number") { setTotal(frame.total); }
        break;
      case "presence":
        presence(frame.user, frame.state, frame.until, frame.until_text);
        break;
      case "receipt":
        receipt(frame.conversation, frame.user, frame.up_to);
        break;
      case "message_changed":
        changed(frame.message);
        break;
      case "conversation_added":
        added(frame.conversation);
        break;
      case "conversation_removed":
        removed(frame.conversation);
        break;
      case "error":
        failed(frame);
        break;
      default:
        break;
    }
  }

  function sectionsOf(conversation) {
    return openConversations().filter(function (s) { return s.getAttribute("data-conversation") === String(conversation); });
  }

  function received(message) {
    if (!message || !message.id) { return; }
    var conversation = String(message.conversation);
    var mine = message.author && message.author.id === me;
    var known = !!document.querySelector('.message-bubble[data-message-id="' + message.id + '"]');
    var waiting = message.client_id && mine
      ? Array.prototype.slice.call(document.querySelectorAll('.message-bubble--pending[data-client-id="' + cssEscape(message.client_id) + '"]'))
      : [];
    waiting.forEach(function (article) { fill(article, message); });
    if (waiting.length) { delete pending[message.client_id]; }
    var sections = sectionsOf(conversation);
    if (!known) {
      if (message.parent) {
        threadReply(message, !waiting.length);
      } else if (!waiting.length) {
        sections.forEach(function (section) {
          if (!section.querySelector('[data-message-id="' + message.id + '"]')) {
            append(section.querySelector("[data-history]"), message);
          }
        });
      }
    }
    if (!message.parent) {
      document.querySelectorAll('[data-conversation-item="' + conversation + '"] [data-conversation-preview]').forEach(function (preview) {
        preview.textContent = (mine ? text("you") + ": " : "") + plain(message.body).slice(0, 70);
      });
    }
    lastIds[conversation] = Math.max(lastIds[conversation] || 0, message.id);
    sections.forEach(function (section) { wrote(section, message); });
    var seen = sections.some(function (s) { return !s.closest("[hidden]"); }) && document.visibilityState === "visible";
    if (seen) {
      send({ type: "read", conversation: message.conversation, up_to: message.id });
    } else if (!known && !mine && !message.parent) {
      setUnread(conversation, unreadOf(conversation) + 1);
      if (!isMuted(conversation) && total !== null) { setTotal(total + 1); }
    }
  }

  // ---- Read receipts: "Seen by…" under the last message ------------------------------
  // Only sections rendered with data-receipts (the viewer has receipts on) keep the line;
  // the server sends receipt frames only to such people, of people who have them on.
  function readersOf(section) {
    try { return JSON.parse(section.getAttribute("data-receipts") || "{}") || {}; } catch (e) { return {}; }
  }
  function showReceipts(section, readers) {
    section.setAttribute("data-receipts", JSON.stringify(readers));
    var line = section.querySelector("[data-receipts-line]");
    if (!line) { return; }
    var last = parseInt(section.getAttribute("data-last-id"), 10) || 0;
    var author = section.getAttribute("data-last-author");
    var names = Object.keys(readers).filter(function (id) {
      return id !== String(me) && id !== author && readers[id] >= last;
    }).sort(function (a, b) { return a - b; }).map(function (id) { return nameOf(section, id, ""); })
      .filter(Boolean);
    var value = "";
    if (names.length && section.getAttribute("data-direct") === "1") {
      value = text("seen");
    } else if (names.length > 3) {
      value = text("seen-by-more", { names: names.slice(0, 3).join(", "), count: names.length - 3 });
    } else if (names.length) {
      value = text("seen-by", { names: names.join(", ") });
    }
    line.querySelector("[data-receipts-text]").textContent = value;
    line.hidden = !value;
  }
  function receipt(conversation, user, upTo) {
    sectionsOf(conversation).forEach(function (section) {
      if (!section.hasAttribute("data-receipts")) { return; }
      var readers = readersOf(section);
      readers[user] = Math.max(readers[user] || 0, upTo || 0);
      showReceipts(section, readers);
    });
  }
  function wrote(section, message) {
    // A new last message: nobody has read it yet, but its author.
    var last = parseInt(section.getAttribute("data-last-id"), 10) || 0;
    if (message.id < last) { return; }
    section.setAttribute("data-last-id", message.id);
    if (!section.hasAttribute("data-receipts")) { return; }
    var author = message.author ? String(message.author.id) : "0";
    section.setAttribute("data-last-author", author);
    var readers = readersOf(section);
    if (author !== "0" && author !== String(me)) { readers[author] = message.id; }
    showReceipts(section, readers);
  }

  function cssEscape(value) { return window.CSS && CSS.escape ? CSS.escape(value) : value.replace(/"/g, ""); }
  function plain(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html || "";
    return (holder.textContent || "").trim();
  }
  function clock(iso) {
    var date = iso ? new Date(iso) : new Date();
    return date.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "numeric", minute: "2-digit" });
  }
  function nameOf(section, userId, fallback) {
    var person = section && section.querySelector('[data-participant="' + userId + '"]');
    return (person && person.getAttribute("data-name")) || fallback || "";
  }

  // The bubble of a message (the body is the server's sanitised HTML, as in the page).
  function bubble(message) {
    var article = document.createElement("article");
    article.className = "message-bubble";
    fill(article, message);
    return article;
  }
  function fill(article, message) {
    article.classList.remove("message-bubble--pending", "message-bubble--failed");
    article.id = "message-" + message.id;
    article.setAttribute("data-message-id", message.id);
    if (message.client_id) { article.setAttribute("data-client-id", message.client_id); }
    var name = message.author ? message.author.name : "";
    article.setAttribute("aria-label", name + " " + clock(message.created_at));
    var body = document.createElement("div");
    if (message.deleted) {
      article.classList.add("message-bubble--deleted");
      body.className = "muted";
      body.textContent = text("deleted");
    } else {
      body.className = "message-bubble__body rich-text";
      body.innerHTML = message.body || "";
    }
    var meta = document.createElement("footer");
    meta.className = "message-bubble__meta muted";
    var time = document.createElement("time");
    time.dateTime = message.created_at || "";
    time.textContent = clock(message.created_at);
    meta.appendChild(time);
    if (message.edited_at && !message.deleted) {
      var edited = document.createElement("span");
      edited.className = "message-bubble__edited";
      edited.textContent = text("edited");
      meta.appendChild(edited);
    }
    var section = article.closest("section[data-conversation]");
    var canThread = !message.parent && !message.deleted && document.getElementById("thread-pane") &&
      !(section && section.classList.contains("conversation--compact"));
    if (canThread && message.id) {
      var url = "/messaging/" + message.conversation + "/thread/" + message.id + "/";
      var reply = document.createElement("a");
      reply.className = "message-bubble__reply";
      reply.href = url;
      reply.setAttribute("hx-get", url);
      reply.setAttribute("hx-target", "#thread-pane");
      reply.setAttribute("hx-swap", "innerHTML");
      reply.setAttribute("data-thread-open", "");
      reply.setAttribute("data-reply-count", message.reply_count || 0);
      reply.textContent = message.reply_count === 1 ? text("one-reply")
        : message.reply_count ? text("replies", { count: message.reply_count }) : text("reply");
      meta.appendChild(reply);
    }
    article.replaceChildren(body, meta);
    if (window.htmx) { window.htmx.process(article); }
  }

  function append(history, message) {
    if (!history) { return; }
    var empty = history.querySelector("[data-history-empty]");
    if (empty) { empty.remove(); }
    var authorId = message.author ? message.author.id : 0;
    var runs = history.querySelectorAll(".message-run");
    var run = runs.length ? runs[runs.length - 1] : null;
    var lastTime = run ? run.querySelector(".message-bubble:last-child time") : null;
    var recent = lastTime && lastTime.dateTime && message.created_at &&
      (new Date(message.created_at) - new Date(lastTime.dateTime)) < 5 * 60 * 1000;
    if (!run || run.getAttribute("data-run-author") !== String(authorId) || !recent) {
      run = document.createElement("div");
      run.className = "message-run" + (authorId === me ? " message-run--mine" : "");
      run.setAttribute("data-run-author", authorId);
      var avatar = document.createElement("span");
      avatar.className = "avatar avatar--sm avatar--hue-" + (authorId % 12);
      avatar.setAttribute("aria-hidden", "true");
      var name = message.author ? message.author.name : "";
      avatar.textContent = name.split(/\s+/).map(function (w) { return w.charAt(0); }).join("").slice(0, 2).toUpperCase();
      var column = document.createElement("div");
      column.className = "message-run__messages";
      var author = document.createElement("p");
      author.className = "message-run__author";
      var strong = document.createElement("strong");
      strong.textContent = authorId === me ? text("you") : name;
      author.appendChild(strong);
      column.appendChild(author);
      run.append(avatar, column);
      var days = history.querySelectorAll(".history__day");
      (days.length ? days[days.length - 1] : history).appendChild(run);
    }
    run.querySelector(".message-run__messages").appendChild(bubble(message));
    history.scrollTop = history.scrollHeight;
  }

  function threadReply(message, add) {
    var pane = document.querySelector('[data-thread-for="' + message.parent + '"] [data-thread-replies]');
    if (add && pane) {
      var empty = pane.querySelector("[data-history-empty]");
      if (empty) { empty.remove(); }
      pane.appendChild(bubble(message));
    }
    document.querySelectorAll('#message-' + message.parent + ' [data-thread-open]').forEach(function (link) {
      var count = (parseInt(link.getAttribute("data-reply-count"), 10) || 0) + 1;
      link.setAttribute("data-reply-count", count);
      link.textContent = count === 1 ? text("one-reply") : text("replies", { count: count });
    });
  }

  function changed(message) {
    if (!message || !message.id) { return; }
    document.querySelectorAll('[data-message-id="' + message.id + '"]').forEach(function (article) {
      fill(article, message);
    });
  }

  // Someone started a conversation with me, or added me: it joins the lists, live.
  function added(conversation) {
    if (panel && !panel.hidden && back && back.hidden) { showList(false); }
    var list = document.querySelector(".messenger__list");
    var selector = '[data-conversation-item="' + conversation + '"]';
    if (!list || list.querySelector(selector) || /[?&]archived=1/.test(window.location.search)) { return; }
    fetch("/messaging/", { credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error("list"); } return response.text(); })
      .then(function (html) {
        var found = new DOMParser().parseFromString(html, "text/html").querySelector(".messenger__list " + selector);
        if (!found || list.querySelector(selector)) { return; }
        var items = list.querySelector("[data-conversation-list]");
        if (!items) {
          items = document.createElement("ul");
          items.className = "conversation-list";
          items.setAttribute("data-conversation-list", "");
          var empty = list.querySelector(".conversation-list__empty");
          if (empty) { empty.replaceWith(items); } else { list.appendChild(items); }
        }
        var item = document.importNode(found, true);
        items.insertBefore(item, items.firstChild);
        if (window.htmx) { window.htmx.process(item); }
        watch();
      })
      .catch(function () { /* the next page load lists it */ });
  }

  function removed(conversation) {
    document.querySelectorAll('[data-conversation-item="' + conversation + '"]').forEach(function (item) { item.remove(); });
    sectionsOf(conversation).forEach(function (section) {
      if (section.classList.contains("conversation--compact")) { showList(); } else { window.location.href = "/messaging/"; }
    });
  }

  // ---- Sending ----------------------------------------------------------------------------
  function acknowledged(clientId, message) {
    delete pending[clientId];
    if (message) { received(message); }
  }
  function failed(frame) {
    if (!frame.client_id) { return; }
    var waiting = document.querySelectorAll('[data-client-id="' + cssEscape(frame.client_id) + '"]');
    if (frame.code === "invalid" || frame.code === "too_long" || frame.code === "not_found") {
      delete pending[frame.client_id];
    }
    waiting.forEach(function (article) {
      article.classList.add("message-bubble--failed");
      var note = article.querySelector(".message-bubble__meta");
      if (note) { note.textContent = frame.message || text("error"); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("[data-composer]");
    if (!form) { return; }
    var clientField = form.querySelector("[data-client-id]");
    var clientId = uuid();
    if (clientField) { clientField.value = clientId; }
    var files = form.querySelector("[data-composer-files]");
    var when = form.querySelector("input[name=when]:checked");
    var inPanel = panel && panel.contains(form);
    if ((files && files.files.length) || (when && when.value !== "now") || !socket || socket.readyState !== 1) {
      if (inPanel && window.fetch) {
        // No socket in the panel: post in the background and show the conversation again.
        event.preventDefault();
        var data = new FormData(form);
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin", headers: { "HX-Request": "true" } })
          .then(function () { openConversation(form.getAttribute("data-composer-for")); });
      }
      return; // plain HTTP: files, scheduling, urgent, or no socket
    }
    event.preventDefault();
    var textarea = form.querySelector("[data-composer-input]");
    var carrier = form.querySelector("[data-mention-carrier]");
    var body = carrier ? carrier.value : textarea.value;
    if (!body.trim()) { return; }
    var parent = form.getAttribute("data-parent");
    var frame = {
      type: "send",
      conversation: parseInt(form.getAttribute("data-composer-for"), 10),
      body: body,
      client_id: clientId,
      parent: parent ? parseInt(parent, 10) : null
    };
    pending[clientId] = frame;
    var target = parent ? document.querySelector('[data-thread-for="' + parent + '"] [data-thread-replies]')
      : form.closest("section[data-conversation]").querySelector("[data-history]");
    var optimistic = document.createElement("article");
    optimistic.className = "message-bubble message-bubble--pending";
    optimistic.setAttribute("data-client-id", clientId);
    var body_ = document.createElement("div");
    body_.className = "message-bubble__body";
    body_.textContent = textarea.value;
    var meta = document.createElement("footer");
    meta.className = "message-bubble__meta muted";
    meta.textContent = text("sending");
    optimistic.append(body_, meta);
    if (target && !parent) {
      append(target, { id: 0, author: { id: me, name: text("you") }, body: "", created_at: new Date().toISOString() });
      var placeholder = target.querySelector('.message-bubble[data-message-id="0"]');
      placeholder.replaceWith(optimistic);
    } else if (target) {
      target.appendChild(optimistic);
    }
    send(frame);
    form.reset();
    lastTyping = 0;
    textarea.focus();
  });

  // Enter sends, Shift+Enter is a new line; never while a mention is being chosen.
  var lastTyping = 0;
  document.addEventListener("keydown", function (event) {
    var textarea = event.target.closest && event.target.closest("[data-composer-input]");
    if (!textarea || event.key !== "Enter" || event.shiftKey || event.isComposing || event.defaultPrevented) { return; }
    var list = document.getElementById(textarea.getAttribute("aria-controls") || "");
    if (list && !list.hidden) { return; }
    event.preventDefault();
    if (textarea.value.trim()) { textarea.form.requestSubmit(); }
  });
  document.addEventListener("input", function (event) {
    var textarea = event.target.closest && event.target.closest("[data-composer-input]");
    if (textarea) {
      var now = Date.now();
      if (now - lastTyping > TYPING_EVERY && textarea.value) {
        lastTyping = now;
        send({ type: "typing", conversation: parseInt(textarea.form.getAttribute("data-composer-for"), 10) });
      }
    }
  });
  document.addEventListener("change", function (event) {
    var files = event.target.closest && event.target.closest("[data-composer-files]");
    if (!files) { return; }
    var names = Array.prototype.map.call(files.files, function (f) { return f.name; }).join(", ");
    var label = files.form.querySelector("[data-composer-file-names]");
    if (label) { label.textContent = names; }
    var textarea = files.form.querySelector("[data-composer-input]");
    if (textarea) { textarea.required = !files.files.length; }
  });

  var typingTimers = {};
  function typing(conversation, userId) {
    if (userId === me) { return; }
    sectionsOf(conversation).forEach(function (section) {
      var line = section.querySelector("[data-typing]");
      if (!line) { return; }
      line.textContent = text("typing", { name: nameOf(section, userId, "…") });
      var key = conversation + ":" + userId;
      window.clearTimeout(typingTimers[key]);
      typingTimers[key] = window.setTimeout(function () { line.textContent = ""; }, TYPING_SHOWN);
    });
  }

  // ---- Presence -------------------------------------------------------------------------
  function presence(userId, state, until, untilText) {
    if (!userId) { return; }
    document.querySelectorAll('[data-presence-for="' + userId + '"]').forEach(function (dot) {
      dot.setAttribute("data-presence", state);
      ["online", "away", "off"].forEach(function (name) { dot.classList.toggle("is-" + name, name === state); });
      if (until) { dot.setAttribute("data-until", until); } else { dot.removeAttribute("data-until"); }
    });
    // An open conversation tells, before sending, that this person just went off.
    openConversations().forEach(function (section) {
      if (!section.querySelector('[data-participant="' + userId + '"]')) { return; }
      var line = section.querySelector('[data-off-for="' + userId + '"]');
      if (state !== "off") { if (line && line.hasAttribute("data-live")) { line.remove(); } return; }
      if (line) { return; }
      var banner = section.querySelector("[data-off-banner]");
      if (!banner) {
        banner = document.createElement("div");
        banner.className = "off-banner";
        banner.setAttribute("data-off-banner", "");
        banner.setAttribute("role", "status");
        var list = document.createElement("ul");
        list.className = "off-banner__list";
        banner.appendChild(list);
        var history = section.querySelector("[data-history]");
        history.parentNode.insertBefore(banner, history);
      }
      line = document.createElement("li");
      line.setAttribute("data-off-for", userId);
      line.setAttribute("data-live", "");
      var name = nameOf(section, userId, "");
      line.textContent = until
        ? text("off-until", { name: name, until: untilText || new Date(until).toLocaleString(document.documentElement.lang || undefined, { weekday: "long", hour: "numeric", minute: "2-digit" }) })
        : text("off", { name: name });
      banner.querySelector(".off-banner__list").appendChild(line);
    });
  }

  // ---- Threads (messenger) -------------------------------------------------------------------
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) { return; }
    if (target.id === "thread-pane") {
      target.hidden = false;
      var title = target.querySelector("h2");
      if (title) { title.focus(); }
    }
    watch();
  });
  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-thread-close]");
    if (!close) { return; }
    var pane = close.closest("[data-thread-pane]");
    var parentId = pane.querySelector("[data-thread-for]").getAttribute("data-thread-for");
    pane.hidden = true;
    pane.replaceChildren();
    var link = document.querySelector("#message-" + parentId + " [data-thread-open]");
    if (link) { link.focus(); }
  });

  // ---- The chat panel -------------------------------------------------------------------------
  var toggle = root.querySelector("[data-chat-toggle]");
  var panel = root.querySelector("[data-chat-panel]");
  var panelBody = panel && panel.querySelector("[data-chat-body]");
  var panelTitle = panel && panel.querySelector("[data-chat-title]");
  var back = panel && panel.querySelector("[data-chat-back]");
  var defaultTitle = panelTitle ? panelTitle.textContent : "";

  function load(url, then) {
    panelBody.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { if (!response.ok) { throw new Error("panel"); } return response.text(); })
      .then(function (html) {
        panelBody.innerHTML = html;
        panelBody.setAttribute("aria-busy", "false");
        if (window.htmx) { window.htmx.process(panelBody); }
        document.dispatchEvent(new CustomEvent("portal:content", { detail: { root: panelBody } }));
        trackLastIds();
        watch();
        if (then) { then(); }
      })
      .catch(function () { panelBody.setAttribute("aria-busy", "false"); window.location.href = url.split("?")[0]; });
  }
  function showList(focusTitle) {
    panelTitle.textContent = defaultTitle;
    back.hidden = true;
    load(root.getAttribute("data-panel-url"), function () {
      var first = panelBody.querySelector("[data-panel-open]");
      if (focusTitle !== false) { (first || panelTitle).focus(); }
    });
  }
  function openConversation(id) {
    load("/messaging/" + id + "/?panel=1", function () {
      var section = panelBody.querySelector("section[data-conversation]");
      if (section) {
        panelTitle.textContent = section.getAttribute("data-title");
        var history = section.querySelector("[data-history]");
        history.scrollTop = history.scrollHeight;
        resume();
        readVisible();
      }
      back.hidden = false;
      var textarea = panelBody.querySelector("[data-composer-input]");
      if (textarea) { textarea.focus(); }
    });
  }
  function setPanel(open) {
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { showList(); } else { panelBody.replaceChildren(); toggle.focus(); }
  }
  if (toggle && panel) {
    toggle.addEventListener("click", function () { setPanel(panel.hidden); });
    panel.querySelector("[data-chat-close]").addEventListener("click", function () { setPanel(false); });
    back.addEventListener("click", function () { showList(); });
    panel.addEventListener("click", function (event) {
      var link = event.target.closest("[data-panel-open]");
      if (!link) { return; }
      event.preventDefault();
      openConversation(link.getAttribute("data-panel-open"));
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !event.defaultPrevented) {
        if (event.target.closest && event.target.closest("details[data-menu][open]")) { return; }
        var list = event.target.getAttribute && document.getElementById(event.target.getAttribute("aria-controls") || "");
        if (list && !list.hidden) { return; }
        event.preventDefault();
        setPanel(false);
      }
    });
  }

  trackLastIds();
  var history = document.querySelector(".messenger section[data-conversation] [data-history]");
  if (history) { history.scrollTop = history.scrollHeight; }
  connect();
  window.portalMessagingLoaded = true;
})();
