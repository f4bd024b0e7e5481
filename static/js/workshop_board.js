// Fast entry on the workshop result board. Without JavaScript every form posts and the page
// reloads; with it:
// - a new card is sent in the background, Enter adds the next one at once;
// - cards not yet confirmed by the server wait in localStorage and are sent again (after a
//   reload too) until the server has them; the browser-chosen key makes a retry harmless;
// - cards can be dragged to another column, cluster or position (with the card's version, so
//   a move based on an outdated card is refused instead of overwriting someone's change);
// - the board polls the server every few seconds and shows the other facilitators' cards.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var canEdit = board.dataset.canEdit === "1";
  var stateUrl = board.dataset.stateUrl;
  var storeKey = "teilhabe-board-outbox-" + board.dataset.workshop;
  var status = document.getElementById("sync-status");
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var kindLabels = {};
  try { kindLabels = JSON.parse(document.getElementById("kind-labels").textContent); } catch (e) { /* none */ }
  var POLL_MS = 3000;
  var RETRY_MS = 2000;

  function say(text) { if (status) status.textContent = text; }
  function outbox() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }
  function saveOutbox(items) {
    try { window.localStorage.setItem(storeKey, JSON.stringify(items)); } catch (e) { /* full */ }
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function urlFor(template, id) { return template.replace(/\/0\/(?=[^/]*\/?$)/, "/" + id + "/"); }

  function listFor(column, clusterId) {
    var selector = '.card-list[data-column="' + column + '"][data-cluster="' + (clusterId || "") + '"]';
    return board.querySelector(selector) || board.querySelector('.card-list.loose[data-column="' + column + '"]');
  }

  function cardElement(card) {
    var li = document.getElementById("card-" + card.id);
    if (!li) {
      li = document.createElement("li");
      li.id = "card-" + card.id;
      li.className = "wcard";
      li.innerHTML = '<span class="num"></span> <span class="text"></span> <span class="badge kind"></span>' +
        (canEdit ? ' <a class="edit-link"></a>' : "");
      if (canEdit) {
        var a = li.querySelector(".edit-link");
        a.href = urlFor(board.dataset.editUrl, card.id);
        a.textContent = board.dataset.editLabel || "✎";
        a.setAttribute("aria-label", "Edit card " + card.number);
      }
    }
    li.dataset.id = card.id;
    li.dataset.version = card.version;
    li.dataset.column = card.column;
    li.dataset.cluster = card.cluster_id || "";
    li.className = li.className.replace(/kind-\w+/g, "").trim() + " kind-" + card.kind;
    li.querySelector(".num").textContent = card.number;
    li.querySelector(".text").textContent = card.text;
    var kind = li.querySelector(".badge.kind");
    if (kind) kind.textContent = kindLabels[card.kind] || card.kind;
    li.querySelectorAll("input[name=version]").forEach(function (input) { input.value = card.version; });
    if (canEdit) li.setAttribute("draggable", "true");
    li.classList.remove("pending");
    return li;
  }

  function place(li, card) {
    var list = listFor(card.column, card.cluster_id);
    if (!list) return;
    var siblings = Array.prototype.filter.call(list.children, function (el) { return el !== li; });
    var before = siblings[card.position] || null;
    if (li.parentNode !== list || li.nextElementSibling !== before) list.insertBefore(li, before);
  }

  function updateCounts() {
    board.querySelectorAll(".board-column").forEach(function (col) {
      var n = col.querySelectorAll(".wcard:not(.pending)").length;
      var el = col.querySelector(".col-count");
      if (el) el.textContent = n;
    });
  }

  // --- new cards: outbox with retry ---------------------------------------------------------
  function pendingElement(item) {
    var li = document.getElementById("pending-" + item.key);
    if (!li) {
      li = document.createElement("li");
      li.id = "pending-" + item.key;
      li.className = "wcard pending";
      li.innerHTML = '<span class="num">…</span> <span class="text"></span> <span class="meta state"></span>';
      li.querySelector(".text").textContent = item.text;
      var list = listFor(item.column, "");
      if (list) list.appendChild(li);
    }
    return li;
  }

  var sending = {};
  function send(item) {
    if (sending[item.key]) return;
    sending[item.key] = true;
    var li = pendingElement(item);
    li.querySelector(".state").textContent = " (" + (board.dataset.sendingLabel || "…") + ")";
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("text", item.text);
    body.append("column", item.column);
    body.append("kind", item.kind || "");
    body.append("client_key", item.key);
    fetch(window.location.pathname, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    }).then(function (res) {
      delete sending[item.key];
      if (res.status === 200 || res.status === 201) {
        saveOutbox(outbox().filter(function (i) { return i.key !== item.key; }));
        li.remove();
        var card = res.data.card;
        place(cardElement(card), card);
        updateCounts();
        say("");
      } else if (res.status === 400) {
        // The server refused the card: keep the text visible with the reason, stop retrying.
        saveOutbox(outbox().filter(function (i) { return i.key !== item.key; }));
        var errors = res.data.errors || {};
        var first = Object.keys(errors).map(function (k) { return errors[k][0].message; })[0];
        li.querySelector(".state").textContent = " – " + (first || "error");
        li.classList.add("failed");
      } else {
        throw new Error("server " + res.status);
      }
    }).catch(function () {
      delete sending[item.key];
      li.querySelector(".state").textContent = " (" + (board.dataset.offlineLabel || "offline – will retry") + ")";
      say(board.dataset.offlineLabel || "offline – will retry");
    });
  }

  function flush() { outbox().forEach(send); }

  document.querySelectorAll(".new-card-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = form.querySelector(".card-text");
      var text = input.value.trim();
      var error = form.querySelector(".form-error");
      if (!text) {
        error.hidden = false;
        error.textContent = board.dataset.emptyLabel || "A card needs a text.";
        input.focus();
        return;
      }
      error.hidden = true;
      var kind = form.querySelector("select[name=kind]");
      var item = { key: newKey(), text: text, column: form.querySelector("input[name=column]").value,
                   kind: kind ? kind.value : "" };
      var items = outbox();
      items.push(item);
      saveOutbox(items);
      input.value = "";
      input.focus();
      send(item);
    });
  });

  // --- polling --------------------------------------------------------------------------------
  function ensureCluster(cluster) {
    if (board.querySelector('.cluster[data-cluster="' + cluster.id + '"]')) return;
    var column = board.querySelector('.board-column[data-column="' + cluster.column + '"]');
    if (!column) return;
    var div = document.createElement("div");
    div.className = "cluster";
    div.id = "cluster-" + cluster.id;
    div.dataset.cluster = cluster.id;
    div.innerHTML = '<h3></h3><ol class="card-list"></ol>';
    div.querySelector("h3").textContent = cluster.title;
    var list = div.querySelector("ol");
    list.dataset.column = cluster.column;
    list.dataset.cluster = cluster.id;
    column.insertBefore(div, column.querySelector(".card-list.loose"));
    bindDrop(list);
  }

  function apply(state) {
    state.clusters.forEach(ensureCluster);
    var seen = {};
    state.cards.forEach(function (card) {
      if (card.status !== "accepted") return;
      seen[card.id] = true;
      var existing = document.getElementById("card-" + card.id);
      if (existing && String(existing.dataset.version) === String(card.version) &&
          existing.dataset.column === card.column &&
          existing.dataset.cluster === String(card.cluster_id || "")) return;
      place(cardElement(card), card);
    });
    board.querySelectorAll(".wcard:not(.pending)").forEach(function (li) {
      if (!seen[li.dataset.id]) li.remove();
    });
    if (state.vote) {
      var ballots = document.getElementById("live-ballots");
      if (ballots) ballots.textContent = state.vote.ballots;
      state.vote.items.forEach(function (item) {
        var cell = document.getElementById("live-item-" + item.id);
        if (!cell) return;
        if (state.vote.mode === "dots") { cell.textContent = item.dots; return; }
        var f = function (v) { return v === null || v === undefined ? "–" : (Math.round(v * 10) / 10).toString(); };
        cell.textContent = f(item.impact) + " / " + f(item.feasibility);
      });
    }
    var queued = state.cards.filter(function (c) { return c.status === "queued"; }).length;
    var badge = document.getElementById("queue-count");
    if (badge) badge.textContent = queued;
    updateCounts();
  }

  function poll() {
    if (document.hidden) return;
    fetch(stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) { if (state) { apply(state); flush(); } })
      .catch(function () { say(board.dataset.offlineLabel || "offline – will retry"); });
  }

  // --- drag and drop --------------------------------------------------------------------------
  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    var li = event.target.closest && event.target.closest(".wcard");
    if (!li || li.classList.contains("pending")) return;
    dragged = li;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", li.dataset.id);
  });

  function bindDrop(list) {
    list.addEventListener("dragover", function (event) { if (dragged) event.preventDefault(); });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged) return;
      var li = dragged;
      dragged = null;
      var target = event.target.closest(".wcard");
      var children = Array.prototype.filter.call(list.children, function (el) {
        return el !== li && !el.classList.contains("pending");
      });
      var position = target && target !== li ? children.indexOf(target) : children.length;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf);
      body.append("version", li.dataset.version);
      body.append("column", list.dataset.column);
      body.append("cluster", list.dataset.cluster || "");
      body.append("position", position < 0 ? children.length : position);
      fetch(urlFor(board.dataset.moveUrl, li.dataset.id), {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
      }).then(function (r) {
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      }).then(function (res) {
        if (res.data.card) place(cardElement(res.data.card), res.data.card);
        if (res.status !== 200) {
          var errors = res.data.errors || {};
          var first = Object.keys(errors).map(function (k) { return errors[k][0].message; })[0];
          say(first || "error");
        }
        updateCounts();
      }).catch(function () { say(board.dataset.offlineLabel || "offline – will retry"); });
    });
  }

  if (canEdit) board.querySelectorAll(".card-list").forEach(bindDrop);
  window.addEventListener("online", flush);
  flush();
  window.setInterval(function () { flush(); }, RETRY_MS);
  window.setInterval(poll, POLL_MS);
})();
