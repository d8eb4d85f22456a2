// Polls the small JSON state every second (see the issue note: polling, not server-sent events, because
// gunicorn sync workers and buffering proxies cope with short requests, not with held-open streams).
(function () {
  "use strict";
  var root = document.querySelector(".display");
  var url = root.getAttribute("data-url");
  var sayTicket = root.getAttribute("data-say-ticket");
  var sayCounter = root.getAttribute("data-say-counter");
  var seen = null;          // announcement ids already shown; null until the first answer
  var soundOn = false;
  var failures = 0;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function chime() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      [660, 880].forEach(function (freq, i) {
        var osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = freq; osc.connect(gain); gain.connect(ctx.destination);
        gain.gain.setValueAtTime(0.2, ctx.currentTime + i * 0.35);
        gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + i * 0.35 + 0.33);
        osc.start(ctx.currentTime + i * 0.35); osc.stop(ctx.currentTime + i * 0.35 + 0.34);
      });
    } catch (e) { /* no audio on this screen */ }
  }

  function speak(ticket, counter) {
    if (!("speechSynthesis" in window)) return;
    var spoken = ticket.replace("-", " ").replace(/0*(\d+)/, "$1");
    var u = new SpeechSynthesisUtterance(sayTicket + " " + spoken + ", " + sayCounter + " " + counter);
    u.lang = document.documentElement.lang === "en" ? "en-US" : "id-ID";
    u.rate = 0.9;
    window.speechSynthesis.speak(u);
  }

  function render(state) {
    document.getElementById("clock").textContent = state.time;
    var first = state.recent[0];
    document.getElementById("now-ticket").textContent = first ? first.ticket : "—";
    document.getElementById("now-counter").textContent = first ? first.counter : "";
    var counters = document.getElementById("counters");
    counters.replaceChildren.apply(counters, state.current.map(function (row) {
      var li = el("li");
      li.appendChild(el("span", row.counter, "c-name"));
      li.appendChild(el("span", row.ticket || "—", "c-ticket"));
      li.dataset.announce = row.announce || "";
      return li;
    }));
    var recent = document.getElementById("recent");
    recent.replaceChildren.apply(recent, state.recent.slice(1).map(function (row) {
      var li = el("li");
      li.appendChild(el("span", row.ticket));
      li.appendChild(el("span", row.counter));
      return li;
    }));
    var groups = document.getElementById("groups");
    groups.replaceChildren.apply(groups, state.groups.map(function (g) {
      var li = el("li");
      li.appendChild(el("b", g.code));
      li.appendChild(document.createTextNode(" " + g.name + ": "));
      li.appendChild(el("span", String(g.waiting)));
      li.appendChild(document.createTextNode(" " + root.dataset.waiting));
      return li;
    }));
    var fresh = state.recent.filter(function (row) { return seen && !seen[row.announce]; });
    var next = {};
    state.recent.forEach(function (row) { next[row.announce] = true; });
    seen = next;
    if (fresh.length) {
      var now = document.querySelector(".d-now");
      now.classList.remove("flash"); void now.offsetWidth; now.classList.add("flash");
      Array.prototype.forEach.call(counters.children, function (li) {
        if (fresh.some(function (row) { return row.announce === li.dataset.announce; })) li.classList.add("flash");
      });
      if (soundOn) {
        chime();
        fresh.slice().reverse().forEach(function (row) { speak(row.ticket, row.counter); });
      }
    }
  }

  function poll() {
    fetch(url, { cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (state) {
        failures = 0; document.getElementById("status").hidden = true; render(state);
      })
      .catch(function () { failures += 1; if (failures > 2) document.getElementById("status").hidden = false; })
      .finally(function () { window.setTimeout(poll, 1000); });
  }

  document.getElementById("sound").addEventListener("click", function () {
    soundOn = true; this.setAttribute("aria-pressed", "true"); chime();
  });
  poll();
})();
