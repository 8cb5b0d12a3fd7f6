# Copyright: tlsguard contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The script of the HTML report. It reads the report from a JSON block, writes every value with textContent (never
as HTML), and draws only the table rows in view, so 10,000 hosts cost what 40 do."""

SCRIPT = r"""
(function () {
  "use strict";
  var doc = JSON.parse(document.getElementById("tlsguard-report").textContent);
  var meta = JSON.parse(document.getElementById("tlsguard-meta").textContent);
  performance.mark("tlsguard:parsed");
  var S = doc.summary, LABEL = {}, LEGACY = {}, ROW = 28;
  meta.protocols.forEach(function (p) { LABEL[p.key] = p.label; if (p.legacy) { LEGACY[p.key] = true; } });
  var SVG = "http://www.w3.org/2000/svg";

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function labels(keys) { return keys.map(function (k) { return LABEL[k] || k; }).join(", "); }
  function words(s) { return String(s).replace(/_/g, " "); }
  function cellClass(key, state) { return "cell " + (state === "accepted" && LEGACY[key] ? "legacy-" : "") + state; }

  // ------------------------------------------------------------------ summary
  function card(parent, cls, n, label, id) {
    var c = add(parent, el("div", "card " + cls));
    add(c, el("span", "n", n)).id = id;
    add(c, el("span", "", label));
  }
  function bar(parent, label, parts, total, id) {
    var row = add(parent, el("div", "bar"));
    add(row, el("span", "", label));
    var track = add(row, el("div", "track"));
    var n = 0;
    parts.forEach(function (p) {
      var f = add(track, el("div", "fill " + (p.cls || "")));
      f.style.width = (total ? 100 * p.n / total : 0) + "%";
      f.title = p.title || String(p.n);
      n += p.n;
    });
    add(row, el("span", "", n)).id = id || "";
  }
  function reasons(parent, title, list) {
    var panel = add(parent, el("section", "panel"));
    add(panel, el("h2", "", title));
    if (!list.length) { add(panel, el("p", "muted", "None.")); return; }
    var ul = add(panel, el("ul", "reasons"));
    list.forEach(function (r) { add(ul, el("li", "", r.hosts + " host(s): " + r.example)); });
  }
  function dayChart(parent, days) {
    var dates = [], sources = [], value = {}, max = 0;
    days.forEach(function (d) {
      if (dates.indexOf(d.date) < 0) { dates.push(d.date); }
      if (sources.indexOf(d.source) < 0) { sources.push(d.source); }
      value[d.date + "|" + d.source] = d.legacy;
      max = Math.max(max, d.legacy);
    });
    dates.sort();
    var colors = ["#cf222e", "#0969da", "#9a6700", "#8250df"];
    var w = Math.max(320, dates.length * (sources.length * 8 + 6) + 40), h = 140;
    var svg = add(parent, document.createElementNS(SVG, "svg"));
    svg.setAttribute("width", w); svg.setAttribute("height", h); svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "legacy handshakes per day");
    dates.forEach(function (date, i) {
      sources.forEach(function (src, j) {
        var v = value[date + "|" + src] || 0, bh = max ? (h - 30) * v / max : 0;
        var r = add(svg, document.createElementNS(SVG, "rect"));
        r.setAttribute("x", 30 + i * (sources.length * 8 + 6) + j * 8); r.setAttribute("width", 7);
        r.setAttribute("y", h - 20 - bh); r.setAttribute("height", bh); r.setAttribute("fill", colors[j % 4]);
        add(r, document.createElementNS(SVG, "title")).textContent = date + " " + src + ": " + v;
      });
    });
    var t = add(svg, document.createElementNS(SVG, "text"));
    t.setAttribute("x", 0); t.setAttribute("y", 12); t.textContent = "max " + max;
    if (dates.length) {
      var a = add(svg, document.createElementNS(SVG, "text"));
      a.setAttribute("x", 30); a.setAttribute("y", h - 4); a.textContent = dates[0] + " .. " + dates[dates.length - 1];
    }
    var legend = add(parent, el("div", "legend"));
    sources.forEach(function (src, j) {
      var key = add(legend, el("span"));
      key.style.background = colors[j % 4];
      legend.appendChild(document.createTextNode(src));
    });
  }
  function summary() {
    var root = $("summary");
    var cards = add(root, el("div", "cards"));
    card(cards, "", S.hosts, "hosts", "summary-hosts");
    meta.statuses.forEach(function (s) { card(cards, s, S.status[s], words(s), "summary-status-" + s); });
    card(cards, "", S.endpoints.total, "endpoints scanned", "summary-endpoints");
    card(cards, S.accepting_legacy.length ? "non_compliant" : "compliant", S.accepting_legacy.length,
         "endpoints accepting " + labels(meta.legacy), "summary-accepting-legacy");
    var grid = add(root, el("div", "grid2"));
    var stages = add(grid, el("section", "panel bars"));
    add(stages, el("h2", "", "Hosts per stage"));
    meta.stages.forEach(function (s) { bar(stages, words(s), [{n: S.stage[s]}], S.hosts, "summary-stage-" + s); });
    reasons(grid, "Held, and why", S.held);
    reasons(grid, "Not compliant, and why", S.non_compliant);
    reasons(grid, "Unknown, and why", S.unknown);
    var protos = add(grid, el("section", "panel bars"));
    add(protos, el("h2", "", "Endpoints per protocol (accepted / rejected / unknown)"));
    meta.protocols.forEach(function (p) {
      var c = S.endpoints.protocols[p.key];
      bar(protos, p.label, [{n: c.accepted, cls: p.legacy ? "legacy-accepted" : "accepted", title: "accepted"},
                            {n: c.rejected, cls: "rejected", title: "rejected"},
                            {n: c.unknown, cls: "unknown", title: "unknown"}], S.endpoints.total);
    });
    var key = add(protos, el("div", "legend"));
    [["legacy-accepted", "legacy accepted"], ["accepted", "accepted"], ["rejected", "rejected"],
     ["unknown", "unknown"]].forEach(function (k) {
      add(key, el("span", "fill " + k[0]));
      key.appendChild(document.createTextNode(k[1]));
    });
    var legacy = add(grid, el("section", "panel"));
    add(legacy, el("h2", "", "Endpoints still accepting " + labels(meta.legacy)));
    if (!S.accepting_legacy.length) { add(legacy, el("p", "muted", "None.")); }
    var ul = add(legacy, el("ul", "reasons"));
    S.accepting_legacy.slice(0, 12).forEach(function (p) {
      add(ul, el("li", "", p.name + " (" + (p.host || "no host") + "): " + labels(p.protocols)));
    });
    if (S.accepting_legacy.length > 12) {
      var more = add(legacy, el("button", "", "Show all " + S.accepting_legacy.length));
      more.id = "show-legacy";
      more.addEventListener("click", function () {
        $("endpoint-legacy").checked = true;
        tab("endpoints");
        applyEndpoints();
      });
    }
    var usage = add(grid, el("section", "panel"));
    add(usage, el("h2", "", "Legacy handshakes per day (all hosts)"));
    if (S.usage.legacy_handshakes_per_day.length) { dayChart(usage, S.usage.legacy_handshakes_per_day); }
    else {
      add(usage, el("p", "muted", S.collected.tls_usage ? "No legacy handshakes recorded." :
                                  "Not collected: no tls_usage results in this report.")).id = "usage-none";
    }
  }

  // ------------------------------------------------------------------ virtual table
  function VTable(root, cols, rows, open) {
    var self = this;
    this.cols = cols; this.rows = rows; this.order = rows.map(function (r, i) { return i; });
    this.view = this.order; this.sortCol = null; this.dir = 1;
    var head = add(root, el("div", "vt-head"));
    head.setAttribute("role", "row");
    this.buttons = cols.map(function (c, i) {
      var b = add(head, el("button", "", c.label));
      b.setAttribute("role", "columnheader"); b.dataset.col = c.key;
      b.addEventListener("click", function () { self.sort(i); });
      return b;
    });
    this.body = add(root, el("div", "vt-body"));
    this.spacer = add(this.body, el("div", "vt-spacer"));
    this.layer = add(this.body, el("div", "vt-rows"));
    this.open = open; this.pending = false;
    this.body.addEventListener("scroll", function () {
      if (self.pending) { return; }
      self.pending = true;
      requestAnimationFrame(function () { self.pending = false; self.draw(); });
    });
    this.layer.addEventListener("click", function (e) {
      var row = e.target.closest(".vt-row");
      if (row) { self.open(self.rows[+row.dataset.index]); }
    });
    this.layer.addEventListener("keydown", function (e) {
      var row = e.target.closest(".vt-row");
      if (row && e.key === "Enter") { self.open(self.rows[+row.dataset.index]); }
    });
  }
  VTable.prototype.filter = function (keep) {
    this.view = this.order.filter(function (i) { return keep(this.rows[i]); }, this);
    this.body.scrollTop = 0;
    this.draw();
  };
  VTable.prototype.sort = function (i) {
    var col = this.cols[i], rows = this.rows;
    this.dir = this.sortCol === i ? -this.dir : 1;
    this.sortCol = i;
    var dir = this.dir, keys = rows.map(function (r) { return col.sort ? col.sort(r) : col.get(r); });
    this.order.sort(function (a, b) {
      var x = keys[a], y = keys[b];
      return (x < y ? -1 : x > y ? 1 : a - b) * dir;
    });
    this.buttons.forEach(function (b, j) {
      b.setAttribute("aria-sort", j === i ? (dir > 0 ? "ascending" : "descending") : "none");
    });
    var view = {};
    this.view.forEach(function (v) { view[v] = true; });
    this.view = this.order.filter(function (v) { return view[v]; });
    this.draw();
  };
  VTable.prototype.draw = function () {
    var n = this.view.length, top = this.body.scrollTop, height = this.body.clientHeight || 600;
    this.spacer.style.height = (n * ROW) + "px";
    var first = Math.max(0, Math.floor(top / ROW) - 8), last = Math.min(n, Math.ceil((top + height) / ROW) + 8);
    var frag = document.createDocumentFragment(), cols = this.cols;
    for (var k = first; k < last; k++) {
      var index = this.view[k], r = this.rows[index], row = el("div", "vt-row");
      row.dataset.index = index; row.tabIndex = 0; row.setAttribute("role", "row");
      for (var c = 0; c < cols.length; c++) {
        var cell = add(row, el("div", cols[c].cls ? cols[c].cls(r) : "", cols[c].get(r)));
        cell.setAttribute("role", "cell");
      }
      frag.appendChild(row);
    }
    this.layer.style.transform = "translateY(" + (first * ROW) + "px)";
    this.layer.replaceChildren(frag);
    if (this.onDraw) { this.onDraw(n); }
  };

  // ------------------------------------------------------------------ hosts
  var STATUS_ORDER = {}, STAGE_ORDER = {};
  meta.statuses.forEach(function (s, i) { STATUS_ORDER[s] = i; });
  meta.stages.forEach(function (s, i) { STAGE_ORDER[s] = i; });
  function osText(h) {
    return h.os ? (h.os.product || "") + (h.os.version ? " (" + h.os.version + ")" : "") : "not collected";
  }
  function onText(h, side) { return h.protocols_on ? labels(h.protocols_on[side]) : "not collected"; }
  function scanText(h) {
    var s = h.scan;
    if (!s.endpoints) { return "not scanned"; }
    return s.compliant + "/" + s.endpoints + " ok" + (s.non_compliant ? ", " + s.non_compliant + " not" : "");
  }
  function usageText(h) {
    if (!h.usage) { return "not collected"; }
    var passed = h.usage.gate_passed;
    var gate = passed === true ? "gate passed" : passed === false ? "gate closed" : "undecided";
    return gate + ", " + h.usage.legacy_clients.length + " client(s)";
  }
  var hostRows = doc.hosts.map(function (h) {
    var text = [h.name, osText(h), h.status, h.stage, h.last_change ? h.last_change.backup_id : "",
                h.reasons.map(function (r) { return r.text; }).join(" ")].join(" ").toLowerCase();
    return {h: h, text: text};
  });
  var hostCols = [
    {key: "name", label: "Host", get: function (r) { return r.h.name; },
     sort: function (r) { return r.h.name.toLowerCase(); }},
    {key: "status", label: "Status", get: function (r) { return words(r.h.status); },
     sort: function (r) { return STATUS_ORDER[r.h.status]; }, cls: function (r) { return "st-" + r.h.status; }},
    {key: "stage", label: "Stage", get: function (r) { return words(r.h.stage); },
     sort: function (r) { return STAGE_ORDER[r.h.stage]; }},
    {key: "os", label: "OS", get: function (r) { return osText(r.h); }},
    {key: "server", label: "Server protocols", get: function (r) { return onText(r.h, "server"); }},
    {key: "scan", label: "Scan", get: function (r) { return scanText(r.h); },
     sort: function (r) { return r.h.scan.endpoints ? r.h.scan.non_compliant - r.h.scan.endpoints : 1; }},
    {key: "usage", label: "Usage", get: function (r) { return usageText(r.h); }},
    {key: "readiness", label: "Readiness",
     get: function (r) { return r.h.readiness ? words(r.h.readiness.verdict) : "not collected"; }},
    {key: "change", label: "Last change",
     get: function (r) { return r.h.last_change ? r.h.last_change.at || "" : ""; }},
    {key: "reasons", label: "Why", get: function (r) { return r.h.reasons.length ? r.h.reasons[0].text : ""; }}
  ];

  function kv(parent, pairs) {
    var t = add(parent, el("table", "small")), body = add(t, el("tbody"));
    pairs.forEach(function (p) {
      var tr = add(body, el("tr"));
      add(tr, el("th", "", p[0]));
      add(tr, el("td", "", p[1]));
    });
  }
  function grid(parent, points) {
    var t = add(parent, el("table", "small")), hr = add(add(t, el("thead")), el("tr")), body = add(t, el("tbody"));
    ["Endpoint", "Status"].concat(meta.protocols.map(function (p) { return p.label; })).concat(["Verdict"])
      .forEach(function (h) { add(hr, el("th", "", h)); });
    points.forEach(function (p) {
      var tr = add(body, el("tr"));
      add(tr, el("td", "", p.name)); add(tr, el("td", "", p.status));
      meta.protocols.forEach(function (q) {
        add(tr, el("td", cellClass(q.key, p.protocols[q.key]), p.protocols[q.key]));
      });
      add(tr, el("td", "", p.verdict.compliant === null ? "undetermined" : p.verdict.compliant ? "compliant" :
                 p.verdict.violations.map(function (v) { return v.message; }).join("; ")));
    });
  }
  var byEndpointName = {};
  doc.endpoints.forEach(function (p) { (byEndpointName[p.host] = byEndpointName[p.host] || []).push(p); });

  function openHost(r) {
    var h = r.h, d = $("details"), body = $("details-body");
    $("details-title").textContent = h.name;
    body.replaceChildren();
    var st = add(body, el("p"));
    add(st, el("span", "badge " + h.status, words(h.status))).id = "details-status";
    st.appendChild(document.createTextNode(" stage " + words(h.stage)));
    if (h.reasons.length) {
      var ul = add(body, el("ul", "reasons"));
      h.reasons.forEach(function (x) { add(ul, el("li", "", x.text)); });
    }
    kv(body, [["OS", osText(h)], ["Registry compliant with " + doc.profile,
               h.compliant === null ? "unknown" : h.compliant ? "yes" : "no (" + h.drift + " values differ)"],
              ["Last boot", h.last_boot || ""], ["Last change", h.last_change ? h.last_change.action + " at " +
               h.last_change.at + ", " + h.last_change.values + " value(s)" : "none recorded"],
              ["Backup id", h.last_change ? h.last_change.backup_id || "" : ""],
              ["Pending (check mode)", h.pending_changes === null ? "unknown" : String(h.pending_changes)]]);
    if (h.effective) {
      add(body, el("h3", "", "Effective protocols"));
      var t = add(body, el("table", "small")), hr = add(add(t, el("thead")), el("tr")), tb = add(t, el("tbody"));
      ["Protocol", "Client", "Server"].forEach(function (x) { add(hr, el("th", "", x)); });
      Object.keys(h.effective).forEach(function (k) {
        var tr = add(tb, el("tr"));
        add(tr, el("td", "", LABEL[k] || k)); add(tr, el("td", "", words(h.effective[k].client)));
        add(tr, el("td", "", words(h.effective[k].server)));
      });
    }
    add(body, el("h3", "", "Endpoints"));
    var mine = byEndpointName[h.name] || [];
    if (mine.length) { grid(body, mine); } else { add(body, el("p", "muted", "Not scanned.")); }
    add(body, el("h3", "", "Readiness"));
    if (!h.readiness) { add(body, el("p", "muted", "Not collected.")); }
    else {
      add(body, el("p", "", words(h.readiness.verdict)));
      var bl = add(body, el("ul", "reasons"));
      h.readiness.blockers.forEach(function (b) {
        add(bl, el("li", "", b.rule + ": " + b.message + (b.fix ? " (fix: " + b.fix + ")" : "")));
      });
    }
    add(body, el("h3", "", "Legacy TLS use"));
    if (!h.usage) { add(body, el("p", "muted", "Not collected.")); }
    else {
      var why = h.usage.gate_reasons.length ? ": " + h.usage.gate_reasons.join("; ") : "";
      add(body, el("p", "", usageText(h) + why));
      if (h.usage.daily.length) {
        dayChart(body, h.usage.daily.map(function (d) {
          var n = 0;
          Object.keys(d.counts).forEach(function (k) { if (LEGACY[k]) { n += d.counts[k]; } });
          return {date: d.date, source: d.source, legacy: n};
        }));
      }
      if (h.usage.legacy_clients.length) {
        var ct = add(body, el("table", "small")), ch = add(add(ct, el("thead")), el("tr")), cb = add(ct, el("tbody"));
        ["Client", "User agent", "Protocols", "Last seen", "Class"].forEach(function (x) { add(ch, el("th", "", x)); });
        h.usage.legacy_clients.forEach(function (c) {
          var tr = add(cb, el("tr"));
          [c.client + (c.forwarded_for ? " / " + c.forwarded_for : ""), c.user_agent || "",
           Object.keys(c.protocols).map(function (k) { return (LABEL[k] || k) + " " + c.protocols[k]; }).join(", "),
           c.last_seen || "", c.classification || ""].forEach(function (x) { add(tr, el("td", "", x)); });
        });
      }
    }
    if (h.waivers.length) {
      add(body, el("h3", "", "Waivers"));
      var wl = add(body, el("ul", "reasons"));
      h.waivers.forEach(function (w) { add(wl, el("li", "", w.rule + ": " + w.reason)); });
    }
    if (h.findings.length) {
      add(body, el("h3", "", "Findings"));
      var fl = add(body, el("ul", "reasons"));
      h.findings.forEach(function (f) { add(fl, el("li", "", f.severity + ": " + f.message)); });
    }
    add(body, el("h3", "", "Sources"));
    kv(body, Object.keys(h.sources).map(function (k) {
      var s = h.sources[k];
      return [k, s ? s.source + (s.collected_at ? " at " + s.collected_at : "") : "not collected"];
    }));
    d.showModal();
  }

  // ------------------------------------------------------------------ endpoints
  var endpointCols = [
    {key: "name", label: "Endpoint", get: function (p) { return p.name; }},
    {key: "host", label: "Host", get: function (p) { return p.host || "no host"; }},
    {key: "status", label: "Status", get: function (p) { return p.status; }}
  ].concat(meta.protocols.map(function (q) {
    return {key: q.key, label: q.label, get: function (p) { return p.protocols[q.key]; },
            cls: function (p) { return cellClass(q.key, p.protocols[q.key]); }};
  })).concat([
    {key: "verdict", label: "Verdict", get: function (p) {
      return p.verdict.compliant === null ? "undetermined" : p.verdict.compliant ? "compliant" : "non compliant"; }},
    {key: "why", label: "Why", get: function (p) {
      return p.verdict.violations.concat(p.verdict.undetermined).map(function (v) { return v.message; }).join("; ") ||
             p.error || ""; }}
  ]);

  // ------------------------------------------------------------------ wiring
  function tab(name) {
    ["hosts", "endpoints"].forEach(function (t) {
      $("tab-" + t).setAttribute("aria-selected", String(t === name));
      $("pane-" + t).hidden = t !== name;
    });
    (name === "hosts" ? hosts : endpoints).draw();
  }
  summary();
  performance.mark("tlsguard:summary");
  var hosts = new VTable($("hosts-table"), hostCols, hostRows, openHost);
  hosts.onDraw = function (n) { $("hosts-shown").textContent = n + " of " + hostRows.length + " hosts"; };
  var endpoints = new VTable($("endpoints-table"), endpointCols, doc.endpoints, function (p) {
    var row = hostRows.filter(function (r) { return r.h.name === p.host; })[0];
    if (row) { openHost(row); }
  });
  endpoints.onDraw = function (n) {
    $("endpoints-shown").textContent = n + " of " + doc.endpoints.length + " endpoints";
  };
  meta.statuses.forEach(function (s) { add($("status-filter"), el("option", "", words(s))).value = s; });
  meta.stages.forEach(function (s) { add($("stage-filter"), el("option", "", words(s))).value = s; });
  function applyHosts() {
    var q = $("host-filter").value.trim().toLowerCase(), st = $("status-filter").value, sg = $("stage-filter").value;
    hosts.filter(function (r) {
      return (!st || r.h.status === st) && (!sg || r.h.stage === sg) && (!q || r.text.indexOf(q) >= 0);
    });
  }
  function applyEndpoints() {
    var q = $("endpoint-filter").value.trim().toLowerCase(), legacy = $("endpoint-legacy").checked;
    endpoints.filter(function (p) {
      return (!q || (p.name + " " + (p.host || "") + " " + p.target).toLowerCase().indexOf(q) >= 0) &&
             (!legacy || p.accepted.some(function (k) { return LEGACY[k]; }));
    });
  }
  ["host-filter", "status-filter", "stage-filter"].forEach(function (id) {
    $(id).addEventListener("input", applyHosts);
  });
  ["endpoint-filter", "endpoint-legacy"].forEach(function (id) { $(id).addEventListener("input", applyEndpoints); });
  $("tab-hosts").addEventListener("click", function () { tab("hosts"); });
  $("tab-endpoints").addEventListener("click", function () { tab("endpoints"); });
  $("details-close").addEventListener("click", function () { $("details").close(); });
  hosts.draw();
  performance.mark("tlsguard:table");
  document.body.dataset.ready = "true";
}());
"""
