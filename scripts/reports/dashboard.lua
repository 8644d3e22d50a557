-- SPDX-License-Identifier: MIT
-- jalon report dashboard [--date AAAA-MM-JJ] [--format html] [-o tableau.html]
--
-- Le tableau de bord : une page HTML autonome (ni réseau, ni script ; CSS et SVG en
-- ligne) qu'un CPAS ouvre dans un navigateur ou imprime en A4. L'avancement, les
-- statuts, les retards, les échéances proches, les actions prioritaires, le budget par
-- OS et les indicateurs, mesurés le jour donné (aujourd'hui par défaut).
--
-- Un seul appel à jalon.plan() ; jalon.get seulement pour les éléments listés.

local args = require "lib.args"
local html = require "lib.html"
local fr = require "lib.fr"

local NAME = "dashboard"
local CAP = 30          -- éléments par liste, puis « … et N autres »
local LARGE = 300       -- au-delà de ce nombre d'actions, l'arbre s'arrête aux OO
local SOON_DAYS = 30    -- « échéance dans les 30 jours »
local NBSP = "\u{A0}"      -- avant : ? ! et dans « »
local NNBSP = "\u{202F}"   -- avant % et ; (comme lib/fr.lua)

local CLOSED = {["terminé"] = true, ["abandonné"] = true}
local HEALTH_CLASS = {["dans les temps"] = "ok", ["à risque"] = "risk", ["en retard"] = "late"}
local VOLET_TITLE = {externe = "Volet externe", interne = "Volet interne"}

local CSS = [[
:root { --ok: #1b7f3b; --risk: #b86e00; --late: #b3261e; --none: #6b6b6b; --ink: #1d1d1f;
  --line: #c9c9cf; --soft: #f3f3f6; --fill: #2f5e9e; }
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
  line-height: 1.4; background: #fff; }
main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 0.6rem; border-bottom: 2px solid var(--ink);
  padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin: 1rem 0 0.5rem; }
h1, h2, h3, h4, p, li, td, th, dd, dt, span { overflow-wrap: anywhere; }
.org { font-size: 1rem; font-weight: bold; margin: 0; text-transform: uppercase;
  letter-spacing: 0.05em; }
.meta, .note { color: #4a4a4f; font-size: 0.9rem; margin: 0.2rem 0; }
.overall { display: flex; flex-wrap: wrap; gap: 0.8rem 1.5rem; margin-top: 0.8rem; }
.overall > div { flex: 1 1 16rem; min-width: 0; }
.overall .label { font-weight: bold; font-size: 0.95rem; }
.measure { display: flex; flex-wrap: wrap; align-items: center; gap: 0.2rem 0.6rem; }
.bar { position: relative; flex: 1 1 10rem; min-width: 6rem; max-width: 28rem; height: 1rem;
  border: 1px solid var(--ink); background: #fff; }
.bar.big { height: 1.4rem; max-width: none; }
.bar.small { height: 0.7rem; max-width: 12rem; flex-basis: 6rem; }
.bar .fill { position: absolute; left: 0; top: 0; bottom: 0; background: var(--fill);
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.bar.ok .fill { background: var(--ok); }
.bar.risk .fill { background: var(--risk); }
.bar.late .fill { background: var(--late); }
.bar.none .fill { background: var(--none); }
.bar.empty { border-style: dashed; }
.bar .expected { position: absolute; top: -0.25rem; bottom: -0.25rem; width: 0;
  border-left: 2px solid var(--ink); }
.pct { font-weight: bold; font-variant-numeric: tabular-nums; min-width: 3.2rem; }
.expect, .counts-line { font-size: 0.85rem; color: #4a4a4f; }
.health { font-size: 0.8rem; font-weight: bold; padding: 0 0.35rem; border: 1px solid;
  border-radius: 0.2rem; white-space: nowrap; }
.health.ok { color: var(--ok); }
.health.risk { color: var(--risk); }
.health.late { color: var(--late); }
.health.none { color: var(--none); font-weight: normal; }
.flag { font-size: 0.8rem; font-style: italic; }
.tiles { display: flex; flex-wrap: wrap; gap: 0.6rem; margin: 0.6rem 0; padding: 0; }
.tile { list-style: none; flex: 1 1 9rem; border: 1px solid var(--line); border-radius: 0.3rem;
  padding: 0.5rem 0.7rem; background: var(--soft); }
.tile .n { display: block; font-size: 1.6rem; font-weight: bold; }
.tile.alert { border: 2px solid var(--late); }
table { border-collapse: collapse; width: 100%; max-width: 100%; font-size: 0.9rem; }
caption { text-align: left; }
th, td { border: 1px solid var(--line); padding: 0.25rem 0.4rem; text-align: left;
  vertical-align: top; }
th { background: var(--soft); }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.status-table { max-width: 30rem; }
.volet { margin-top: 0.5rem; }
section.os { border: 1px solid var(--line); border-left: 4px solid var(--ink);
  border-radius: 0.3rem; padding: 0.6rem 0.8rem; margin: 0.8rem 0;
  break-inside: avoid; page-break-inside: avoid; }
section.os > h4 { font-size: 1.05rem; margin: 0 0 0.3rem; }
.name { font-weight: bold; }
ul.oos, ul.actions { list-style: none; margin: 0.4rem 0 0; padding: 0; }
li.oo { border-top: 1px solid var(--line); padding: 0.4rem 0 0.4rem 0.6rem; }
li.oo > .title { font-size: 0.95rem; }
li.action { padding: 0.2rem 0 0.2rem 0.8rem; border-left: 2px solid var(--line);
  font-size: 0.88rem; margin-top: 0.2rem; }
.status { font-size: 0.8rem; border: 1px solid var(--line); border-radius: 0.2rem;
  padding: 0 0.3rem; white-space: nowrap; }
ul.items { list-style: none; margin: 0; padding: 0; }
ul.items > li { border: 1px solid var(--line); border-radius: 0.3rem; padding: 0.4rem 0.6rem;
  margin: 0.4rem 0; break-inside: avoid; page-break-inside: avoid; }
.facts { display: flex; flex-wrap: wrap; gap: 0.1rem 1.2rem; margin: 0.2rem 0 0;
  font-size: 0.85rem; }
.facts dt { font-weight: bold; }
.facts dt::after { content: " :"; }
.facts div { display: flex; gap: 0.3rem; min-width: 0; }
.facts dd { margin: 0; }
.more, .empty-list { font-style: italic; }
.context { font-size: 0.8rem; color: #4a4a4f; }
svg { max-width: 100%; height: auto; }
svg.budget { display: block; width: 100%; height: 1.6rem; }
.indicators { display: flex; flex-wrap: wrap; gap: 1rem; }
figure.indicator { flex: 1 1 18rem; min-width: 0; max-width: 30rem; margin: 0;
  border: 1px solid var(--line); border-radius: 0.3rem; padding: 0.5rem;
  break-inside: avoid; page-break-inside: avoid; }
figure.indicator figcaption { font-size: 0.9rem; }
figure.indicator svg { display: block; width: 100%; }
.legend { font-size: 0.8rem; }
.legend .planned, .legend .spent { display: inline-block; width: 0.9rem; height: 0.7rem;
  border: 1px solid var(--ink); vertical-align: middle; }
.legend .spent { background: var(--fill); -webkit-print-color-adjust: exact;
  print-color-adjust: exact; }
footer { margin-top: 2rem; font-size: 0.8rem; color: #4a4a4f; }
@media (max-width: 40rem) {
  main { padding: 0.6rem; }
  h1 { font-size: 1.25rem; }
  .bar { flex-basis: 100%; max-width: none; }
  .bar.small { flex-basis: 100%; max-width: none; }
  .budget-table thead { display: none; }
  .budget-table tr { display: flex; flex-wrap: wrap; border-top: 1px solid var(--line); }
  .budget-table th, .budget-table td { border: none; }
  .budget-table th[scope="row"] { flex: 1 1 100%; background: none; }
  .budget-table td.num { flex: 1 1 30%; text-align: left; }
  .budget-table td.chart { flex: 1 1 100%; }
  .budget-table td[data-label]::before { content: attr(data-label) "\A0:\A0"; font-weight: bold; }
}
@page { size: A4; margin: 15mm; }
@media print {
  html { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .tile { background: #fff; }
  th { background: #fff; }
}
]]

-- ------------------------------------------------------------------ dates and numbers

local function quote(text)
  return "«" .. NBSP .. tostring(text) .. NBSP .. "»"
end

-- "2020-01-15" → days since 1970-01-01 (proleptic Gregorian calendar, no time zone).
local function day_number(iso)
  local y, m, d = tostring(iso or ""):match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m > 2 and m - 3 or m + 9) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

-- The day n days after an ISO day, as ISO.
local function iso_after(iso, n)
  return os.date("!%Y-%m-%d", (day_number(iso) + n) * 86400)
end

-- A number as people type it: « 22 », « 30,5 », « 1 250 », « 1.250,5 », « 12 % ».
local function parse_number(text)
  if type(text) == "number" then return text end
  if type(text) ~= "string" then return nil end
  local s = text:gsub("[ \t\u{A0}\u{202F}]", ""):gsub("%%$", "")
  if s:find(",", 1, true) then
    s = s:gsub("%.", ""):gsub(",", ".")
  elseif s:match("^[-+]?%d+%.%d%d%d$") or s:match("^[-+]?%d+%.%d%d%d%.") then
    s = s:gsub("%.", "") -- 1.250 : des milliers
  end
  if not (s:match("^[-+]?%d+%.?%d*$") or s:match("^[-+]?%.%d+$")) then return nil end
  return tonumber(s)
end

-- 30.5 → « 30,5 » ; 1250 → « 1 250 »
local fr_number, count = fr.number, fr.count

-- ------------------------------------------------------------------ arguments

local function parse_args(words, output)
  local opts = args.parse(NAME, words, output, {
    options = {["--date"] = "day"}, formats = {"html"}, aliases = {htm = "html"},
    default = "html", what = "le tableau de bord",
    usage = "--date AAAA-MM-JJ, --format html, -o FICHIER.html"})
  opts.day = opts.date
  return opts
end

-- ------------------------------------------------------------------ walking the plan

local function new_counts()
  local c = {}
  for _, s in ipairs(jalon.statuses) do c[s] = 0 end
  return c
end

-- Items grouped by échéance (a large plan may have thousands overdue, on a few days):
-- the list by échéance, then plan order.
local function by_due(buckets)
  local days, list = {}, {}
  for day in pairs(buckets) do days[#days + 1] = day end
  table.sort(days)
  for _, day in ipairs(days) do
    for _, node in ipairs(buckets[day]) do list[#list + 1] = node end
  end
  return list
end

-- One pass over the tree: counts, lists, budget per OS, items with indicators.
local function collect(plan)
  local soon_limit = iso_after(plan.day, SOON_DAYS) -- ISO days compare as strings
  local st = {
    counts = {action = new_counts(), task = new_counts()},
    actions = 0, tasks = 0,
    overdue = {}, soon = {}, priority = {}, indicators = {},
    budget = {}, total = {planned = 0, spent = 0, known = false}, multi_os = false,
  }
  -- (each field read once: a node reads them from the plan in C)
  local function item(node, kind, status)
    if node.indicators > 0 then st.indicators[#st.indicators + 1] = node end
    if kind ~= "action" and kind ~= "task" then return end
    local c = st.counts[kind]
    c[status] = (c[status] or 0) + 1
    if kind == "action" then st.actions = st.actions + 1 else st.tasks = st.tasks + 1 end
    if status == "abandonné" then return end
    if node.priority then st.priority[#st.priority + 1] = node end
    local due = node.due_end
    if due and due <= soon_limit and not CLOSED[status] then
      local buckets = due < plan.day and st.overdue or st.soon
      local bucket = buckets[due]
      if bucket then bucket[#bucket + 1] = node else buckets[due] = {node} end
    end
  end
  local function add(b, planned, spent)
    b.planned = b.planned + planned
    if spent then b.spent = b.spent + spent; b.known = true end
  end
  -- visited[id] : le bloc budgétaire de l'OS qui l'a vu en dernier (une action
  -- transversale figure sous chacun de ses OO, peut-être dans plusieurs OS)
  local visited = {}
  local function walk(node, b, depth)
    local id = node.id
    local prev = visited[id]
    if node.draft or depth > 8 or prev == b then return end
    visited[id] = b
    local kind, status = node.kind, node.status
    if not prev then item(node, kind, status) end
    -- comme le calcul de l'avancement : une action ou une tâche abandonnée ne compte que
    -- dans les statuts, ni son budget ni rien en dessous
    if status == "abandonné" and (kind == "action" or kind == "task") then
      return
    end
    local planned, spent = node.budget_cents, node.spent_cents
    add(b, planned, spent)
    if prev then st.multi_os = true else add(st.total, planned, spent) end
    local children = node.children
    if children then
      for i = 1, #children do walk(children[i], b, depth + 1) end
    end
  end
  for _, os_node in ipairs(plan.os) do
    if not os_node.draft then
      local b = {node = os_node, planned = 0, spent = 0, known = false}
      st.budget[#st.budget + 1] = b
      walk(os_node, b, 0)
    end
  end
  st.overdue, st.soon = by_due(st.overdue), by_due(st.soon)
  return st
end

-- ------------------------------------------------------------------ small pieces of HTML

local function health_of(measure)
  local h = measure and measure.health or ""
  if h == "" then return "none", "sans calendrier" end
  return HEALTH_CLASS[h] or "none", h
end

local function display_name(node)
  if node.label and node.label ~= "" then return node.name end
  return jalon.kinds[node.kind].word
end

-- The bar of a measure: percentage as text, expected as a marker and as text, health
-- by colour and by word. size: "big", "small" or nil.
local function bar(measure, label, size)
  local cls, word = health_of(measure)
  local progress = measure and measure.progress
  local expected = measure and measure.expected
  local parts = {}
  if progress == nil then
    parts[1] = html.render(
      '<div class="bar empty {{size}}" role="progressbar" aria-valuemin="0" '
      .. 'aria-valuemax="100" aria-valuetext="rien à mesurer" aria-label="{{label}}"></div>'
      .. '<span class="pct">rien à mesurer</span>', {size = size or "", label = label})
    return html.render('<div class="measure">{{p}}</div>', {p = html.join(parts)})
  end
  local marker = ""
  if expected then
    marker = html.render('<span class="expected" style="left:{{x}}%" title="attendu {{t}}">'
                         .. '</span>', {x = expected, t = fr.percent(expected)})
  end
  parts[#parts + 1] = html.render(
    '<div class="bar {{cls}} {{size}}" role="progressbar" aria-valuenow="{{v}}" '
    .. 'aria-valuemin="0" aria-valuemax="100" aria-valuetext="{{text}}" aria-label="{{label}}">'
    .. '<span class="fill" style="width:{{v}}%"></span>{{marker}}</div>'
    .. '<span class="pct">{{pct}}</span>',
    {cls = cls, size = size or "", v = progress, label = label, marker = marker,
     pct = fr.percent(progress),
     text = fr.percent(progress) .. (expected and (", attendu " .. fr.percent(expected)) or "")
            .. ", " .. word})
  if expected then
    parts[#parts + 1] = html.render('<span class="expect">attendu {{e}}</span>',
                                    {e = fr.percent(expected)})
  end
  parts[#parts + 1] = html.render('<span class="health {{cls}}">{{word}}</span>',
                                  {cls = cls, word = word})
  return html.render('<div class="measure">{{p}}</div>', {p = html.join(parts, " ")})
end

local function flag(node)
  if not node.health or node.health == "" then return "" end
  return html.render(' <span class="flag">(santé signalée{{nb}}: {{h}})</span>',
                     {nb = NBSP, h = node.health})
end

local function more(n, one, many)
  if n <= 0 then return "" end
  return html.render('<p class="more">… et {{n}}</p>', {n = count(n, one, many)})
end

-- ------------------------------------------------------------------ header and counts

local function period_text(plan)
  local a, b = plan.period_start, plan.period_end
  if a and b then return tostring(a) .. "–" .. tostring(b) end
  return tostring(a or b or "")
end

local function header(plan, st)
  local volets = {}
  for _, v in ipairs{"externe", "interne"} do
    volets[#volets + 1] = html.render(
      '<div class="volet-measure" id="volet-{{v}}"><div class="label">{{title}}</div>{{bar}}</div>',
      {v = v, title = VOLET_TITLE[v],
       bar = bar(plan.volets and plan.volets[v], "Avancement du " .. VOLET_TITLE[v]:lower())})
  end
  local meta = {}
  local period = period_text(plan)
  if period ~= "" then meta[#meta + 1] = "Période " .. period end
  meta[#meta + 1] = "mesuré le " .. fr.date(plan.day)
  if plan.adopted and plan.adopted ~= "" then
    meta[#meta + 1] = "adopté le " .. fr.date(tostring(plan.adopted))
  end
  meta[#meta + 1] = count(st.actions, "action") .. ", " .. count(st.tasks, "tâche")
  return html.render([[
<header class="top">
<p class="org">{{org}}</p>
<h1>{{title}}</h1>
<p class="meta" id="day" data-day="{{day}}">{{meta}}</p>
<div class="overall">
<div class="plan-measure" id="plan"><div class="label">Avancement du plan</div>{{bar}}</div>
{{volets}}
</div>
</header>
]], {org = plan.organisation or "",
     title = (plan.title or "") ~= "" and plan.title or "Programme stratégique transversal",
     day = plan.day, meta = table.concat(meta, " · "),
     bar = bar(plan.measure, "Avancement du plan", "big"), volets = html.join(volets, "\n")})
end

local function status_section(plan, st)
  local rows = {}
  local ta, tt = 0, 0
  for _, s in ipairs(jalon.statuses) do
    local a, t = st.counts.action[s], st.counts.task[s]
    ta, tt = ta + a, tt + t
    rows[#rows + 1] = html.render(
      '<tr data-status="{{s}}"><th scope="row">{{s}}</th><td class="num">{{a}}</td>'
      .. '<td class="num">{{t}}</td><td class="num">{{n}}</td></tr>',
      {s = s, a = fr_number(a), t = fr_number(t), n = fr_number(a + t)})
  end
  local m = plan.measure or {}
  local overdue, priority = #st.overdue, #st.priority
  return html.render([[
<section id="statuts">
<h2>Où en sont les actions{{nb}}?</h2>
<ul class="tiles">
<li class="tile{{late_cls}}" id="count-overdue"><span class="n">{{overdue}}</span> en retard (échéance dépassée)</li>
<li class="tile" id="count-soon"><span class="n">{{soon}}</span> échéance dans les {{days}} jours</li>
<li class="tile" id="count-priority"><span class="n">{{priority}}</span> prioritaires</li>
</ul>
<table class="status-table">
<caption class="note">Actions et tâches par statut (une action transversale compte une fois)</caption>
<thead><tr><th scope="col">Statut</th><th scope="col" class="num">Actions</th>
<th scope="col" class="num">Tâches</th><th scope="col" class="num">Total</th></tr></thead>
<tbody>
{{rows}}
</tbody>
<tfoot><tr><th scope="row">Total</th><td class="num">{{ta}}</td><td class="num">{{tt}}</td>
<td class="num">{{total}}</td></tr></tfoot>
</table>
{{mismatch}}
</section>
]], {nb = NBSP, late_cls = overdue > 0 and " alert" or "", overdue = fr_number(overdue),
     soon = fr_number(#st.soon), days = SOON_DAYS, priority = fr_number(priority),
     rows = html.join(rows, "\n"), ta = fr_number(ta), tt = fr_number(tt), total = fr_number(ta + tt),
     mismatch = (m.overdue and m.overdue ~= overdue)
       and html.render('<p class="note">Le calcul de l’avancement compte {{n}} en retard.</p>',
                       {n = fr_number(m.overdue)}) or ""})
end

-- ------------------------------------------------------------------ the tree

local function count_line(node)
  local m = node.measure or {}
  local actions, tasks = 0, 0
  for _, c in ipairs(node.children or {}) do
    if not c.draft then
      if c.kind == "action" then actions = actions + 1 elseif c.kind == "task" then tasks = tasks + 1 end
    end
  end
  local parts = {}
  if actions > 0 then parts[#parts + 1] = count(actions, "action") end
  if tasks > 0 then parts[#parts + 1] = count(tasks, "tâche") end
  local done = (m.by_status or {})["terminé"] or 0
  if (m.items or 0) > 0 then parts[#parts + 1] = fr_number(done) .. " terminé" .. (done > 1 and "es" or "e")
                                                   .. " sur " .. fr_number(m.items) end
  if (m.overdue or 0) > 0 then parts[#parts + 1] = fr_number(m.overdue) .. " en retard" end
  if (m.priority or 0) > 0 then parts[#parts + 1] = count(m.priority, "prioritaire") end
  if #parts == 0 then return "" end
  return html.render('<div class="counts-line">{{t}}</div>', {t = table.concat(parts, " · ")})
end

local function action_row(node)
  local tasks = 0
  for _, c in ipairs(node.children or {}) do
    if not c.draft and c.kind == "task" then tasks = tasks + 1 end
  end
  return html.render([[
<li class="action" data-id="{{id}}"><span class="name">{{name}}</span> <span class="title">{{title}}</span>
<span class="status">{{status}}</span>{{prio}}{{flag}}{{tasks}}
{{bar}}</li>]], {id = node.id, name = display_name(node), title = node.title or "",
                 status = node.status or "", prio = node.priority and " · prioritaire" or "",
                 flag = flag(node),
                 tasks = tasks > 0 and (" · " .. count(tasks, "tâche")) or "",
                 bar = bar(node.measure, "Avancement" .. NBSP .. ": " .. (node.title or node.name), "small")})
end

local function oo_row(node, with_actions)
  local actions = ""
  if with_actions then
    local rows = {}
    for _, c in ipairs(node.children or {}) do
      if not c.draft and (c.kind == "action" or c.kind == "task") then
        rows[#rows + 1] = action_row(c)
      end
    end
    if #rows > 0 then
      actions = html.render('<ul class="actions">{{r}}</ul>', {r = html.join(rows, "\n")})
    end
  end
  return html.render([[
<li class="oo" id="{{id}}"><div class="title"><span class="name">{{name}}</span> {{title}}{{flag}}</div>
{{bar}}{{counts}}{{actions}}</li>]], {
    id = node.id, name = display_name(node), title = node.title or "", flag = flag(node),
    bar = bar(node.measure, "Avancement de " .. node.name), counts = count_line(node),
    actions = actions})
end

local function os_block(node, with_actions)
  local rows = {}
  local direct = {}
  for _, c in ipairs(node.children or {}) do
    if not c.draft then
      if c.kind == "oo" then
        rows[#rows + 1] = oo_row(c, with_actions)
      elseif with_actions then
        direct[#direct + 1] = action_row(c)
      end
    end
  end
  local list = #rows > 0 and html.render('<ul class="oos">{{r}}</ul>', {r = html.join(rows, "\n")})
               or ""
  local extra = #direct > 0 and html.render('<ul class="actions">{{r}}</ul>',
                                            {r = html.join(direct, "\n")}) or ""
  return html.render([[
<section class="os" id="{{id}}" data-volet="{{volet}}">
<h4><span class="name">{{name}}</span> {{title}}{{flag}}</h4>
{{bar}}{{counts}}{{list}}{{extra}}
</section>]], {id = node.id, volet = node.volet or "", name = display_name(node),
               title = node.title or "", flag = flag(node),
               bar = bar(node.measure, "Avancement de " .. node.name), counts = count_line(node),
               list = list, extra = extra})
end

local function tree_section(plan, st)
  local order, groups = {}, {}
  for _, node in ipairs(plan.os) do
    if not node.draft then
      local v = node.volet or ""
      if not groups[v] then groups[v] = {}; order[#order + 1] = v end
      table.insert(groups[v], node)
    end
  end
  local with_actions = st.actions <= LARGE
  local blocks = {}
  for _, v in ipairs(order) do
    local os_blocks = {}
    for i, node in ipairs(groups[v]) do os_blocks[i] = os_block(node, with_actions) end
    blocks[#blocks + 1] = html.render(
      '<div class="volet" data-volet="{{v}}"><h3>{{title}}</h3>\n{{os}}\n</div>',
      {v = v, title = VOLET_TITLE[v] or (v ~= "" and ("Volet " .. v) or "Sans volet"),
       os = html.join(os_blocks, "\n")})
  end
  if #blocks == 0 then
    blocks[1] = html.render('<p class="empty-list">Le plan n’a pas encore d’objectif stratégique.</p>', {})
  end
  local note = with_actions and ""
    or html.render('<p class="note">{{n}}{{nb}}: l’arbre s’arrête aux objectifs opérationnels.</p>',
                   {n = count(st.actions, "action"), nb = NBSP})
  return html.render([[
<section id="arbre">
<h2>Objectifs stratégiques et opérationnels</h2>
<p class="note">Chaque barre donne l’avancement{{nnb}}; le trait vertical marque l’avancement attendu à cette date.</p>
{{note}}{{blocks}}
</section>
]], {note = note, blocks = html.join(blocks, "\n"), nnb = NNBSP})
end

-- ------------------------------------------------------------------ lists

local Lookup = {}
Lookup.__index = Lookup

local function new_lookup() return setmetatable({records = {}}, Lookup) end

function Lookup:get(id)
  local r = self.records[id]
  if r == nil then
    r = jalon.get(id) or false
    self.records[id] = r
  end
  return r or nil
end

function Lookup:person(id)
  if not self.people then
    self.people = {}
    for _, p in ipairs(jalon.people() or {}) do self.people[p.id] = p.name end
  end
  return self.people[id] or id
end

function Lookup:who(id)
  local r = self:get(id)
  if not r then return "" end
  if r.who and r.who ~= "" then return r.who end
  local names, seen = {}, {}
  for _, p in ipairs(r.people or {}) do
    local n = self:person(p.person)
    if n and not seen[n] then seen[n] = true; names[#names + 1] = n end
  end
  return table.concat(names, ", ")
end

function Lookup:deadline_text(id)
  local r = self:get(id)
  local d = r and r.deadline
  return d and d.text or ""
end

local function parent_context(plan, node)
  local parent = node.parent and plan.items[node.parent]
  if not parent then return "" end
  return html.render('<div class="context">dans {{name}} {{title}}</div>',
                     {name = display_name(parent), title = parent.title or ""})
end

local function item_entry(plan, look, node, when)
  local written = look:deadline_text(node.id)
  local due = node.due_end and fr.date(node.due_end) or ""
  if written ~= "" and due == "" then
    due = quote(written)
  elseif written ~= "" and written ~= due then
    due = due .. " (écrit " .. quote(written) .. ")"
  elseif due == "" then
    due = "non précisée"
  end
  local who = look:who(node.id)
  local facts = {
    html.render('<div><dt>Échéance</dt><dd>{{d}}</dd></div>', {d = due}),
    html.render('<div><dt>Qui{{nb}}?</dt><dd>{{w}}</dd></div>',
                {nb = NBSP, w = who ~= "" and who or "non précisé"}),
    html.render('<div><dt>Statut</dt><dd>{{s}}</dd></div>', {s = node.status or ""}),
  }
  if when then facts[#facts + 1] = html.render('<div><dt>{{k}}</dt><dd>{{v}}</dd></div>', when) end
  return html.render([[
<li data-id="{{id}}"><span class="name">{{name}}</span> <span class="title">{{title}}</span>
{{context}}<dl class="facts">{{facts}}</dl>{{bar}}</li>]], {
    id = node.id, name = display_name(node), title = node.title or "",
    context = parent_context(plan, node), facts = html.join(facts),
    bar = bar(node.measure, "Avancement" .. NBSP .. ": " .. (node.title or node.name), "small")})
end

local function days(n) return count(n, "jour") end

local function list_section(id, title, entries, empty, describe)
  local rows = {}
  for i = 1, math.min(#entries, CAP) do rows[i] = describe(entries[i]) end
  local body
  if #rows == 0 then
    body = html.render('<p class="empty-list">{{e}}</p>', {e = empty})
  else
    body = html.render('<ul class="items">{{r}}</ul>{{more}}',
                       {r = html.join(rows, "\n"), more = more(#entries - CAP, "autre")})
  end
  return html.render('<section id="{{id}}" data-count="{{n}}">\n<h2>{{title}} ({{count}})</h2>\n'
                     .. '{{body}}\n</section>\n',
                     {id = id, title = title, n = #entries, count = fr_number(#entries), body = body})
end

local function lists(plan, st, look)
  local out = {}
  out[1] = list_section("retards", "En retard", st.overdue,
    "Aucune action ni tâche en retard à cette date.", function(e)
      local late = day_number(plan.day) - day_number(e.due_end)
      return item_entry(plan, look, e, {k = "Retard", v = days(late)})
    end)
  out[2] = list_section("bientot",
    "Échéance dans les " .. SOON_DAYS .. " jours", st.soon,
    "Aucune échéance dans les " .. SOON_DAYS .. " prochains jours.", function(e)
      local left = day_number(e.due_end) - day_number(plan.day)
      return item_entry(plan, look, e, {k = "Dans", v = left == 0 and "aujourd’hui" or days(left)})
    end)
  out[3] = list_section("prioritaires", "Actions prioritaires", st.priority,
    "Aucune action prioritaire.", function(node)
      return item_entry(plan, look, node, nil)
    end)
  return html.join(out)
end

-- ------------------------------------------------------------------ budget

local function budget_svg(planned, spent, max)
  local function w(v) return string.format("%.1f", max > 0 and v * 200 / max or 0) end
  return html.render(
    '<svg class="budget" viewBox="0 0 200 16" preserveAspectRatio="none" role="img" '
    .. 'aria-label="{{label}}"><rect x="0" y="1" width="{{wp}}" height="6" fill="#fff" '
    .. 'stroke="#1d1d1f" stroke-width="0.6"/><rect x="0" y="9" width="{{ws}}" height="6" '
    .. 'fill="#2f5e9e"/></svg>',
    {wp = w(planned), ws = w(spent),
     label = "prévu " .. fr.amount(planned) .. ", dépensé " .. fr.amount(spent)})
end

local function budget_section(st)
  local max, any = 0, false
  for _, b in ipairs(st.budget) do
    max = math.max(max, b.planned, b.spent)
    if b.planned ~= 0 or b.known then any = true end
  end
  if not any then
    return html.render('<section id="budget">\n<h2>Budget</h2>\n'
                       .. '<p class="empty-list">Aucun budget encodé.</p>\n</section>\n', {})
  end
  local rows = {}
  for _, b in ipairs(st.budget) do
    local rate = (b.planned > 0 and b.known) and fr.percent(math.floor(b.spent * 100 / b.planned + 0.5))
                 or "—"
    rows[#rows + 1] = html.render(
      '<tr data-os="{{id}}"><th scope="row"><span class="name">{{name}}</span> {{title}}</th>'
      .. '<td class="num" data-label="Prévu">{{planned}}</td><td class="num" data-label="Dépensé">{{spent}}</td>'
      .. '<td class="num" data-label="Taux">{{rate}}</td>'
      .. '<td class="chart">{{svg}}</td></tr>',
      {id = b.node.id, name = display_name(b.node), title = b.node.title or "",
       planned = fr.amount(b.planned), spent = b.known and fr.amount(b.spent) or "—", rate = rate,
       svg = budget_svg(b.planned, b.spent, max)})
  end
  local t = st.total
  return html.render([[
<section id="budget">
<h2>Budget prévu et dépensé par objectif stratégique</h2>
<p class="legend"><span class="planned"></span> prévu · <span class="spent"></span> dépensé</p>
<table class="budget-table">
<thead><tr><th scope="col">Objectif stratégique</th><th scope="col" class="num">Prévu</th>
<th scope="col" class="num">Dépensé</th><th scope="col" class="num">Taux</th>
<th scope="col">Comparaison</th></tr></thead>
<tbody>
{{rows}}
</tbody>
<tfoot><tr><th scope="row">Total</th><td class="num" id="budget-total" data-label="Prévu">{{planned}}</td>
<td class="num" id="spent-total" data-label="Dépensé">{{spent}}</td><td class="num"></td><td></td></tr></tfoot>
</table>
<p class="note">Somme des lignes budgétaires des éléments de chaque OS (OS, OO, actions, tâches),
chacun compté une fois{{multi}}{{nnb}}; les actions et tâches abandonnées ne comptent pas.
«{{nb}}—{{nb}}»{{nb}}: aucun montant dépensé connu.</p>
</section>
]], {rows = html.join(rows, "\n"), planned = fr.amount(t.planned),
     spent = t.known and fr.amount(t.spent) or "—",
     nb = NBSP, nnb = NNBSP,
     multi = st.multi_os and (NNBSP .. "; une action transversale compte dans chaque OS où "
                              .. "elle figure, une seule fois dans le total") or ""})
end

-- ------------------------------------------------------------------ indicators

local function date_of_year(y, last)
  local n = tonumber(tostring(y or ""):match("^%s*(%d%d%d%d)"))
  if not n then return nil end
  return day_number(string.format("%04d-%s", n, last and "12-31" or "01-01"))
end

-- The figures of an indicator as numbers; what is not a number is named in skipped.
local function read_indicator(plan, ind)
  local data = {points = {}, skipped = {}, later = 0, today = day_number(plan.day)}
  local function number(text, what)
    if text == nil or text == "" then return nil end
    local n = parse_number(text)
    if not n then data.skipped[#data.skipped + 1] = what .. " " .. quote(text) end
    return n
  end
  data.base = number(ind.baseline, "base")
  data.target = number(ind.target, "cible")
  for _, m in ipairs(ind.measurements or {}) do
    local d = day_number(m.date)
    if not d then
      data.skipped[#data.skipped + 1] = "mesure datée " .. quote(m.date or "")
    elseif d > data.today then
      data.later = data.later + 1 -- mesurée après le jour du tableau
    else
      local v = number(m.value, "mesure du " .. fr.short_date(m.date))
      if v then data.points[#data.points + 1] = {d = d, v = v, date = m.date} end
    end
  end
  table.sort(data.points, function(a, b) return a.d < b.d end)
  data.start = date_of_year(plan.period_start) or (data.points[1] and data.points[1].d)
  data.stop = date_of_year(ind.year, true) or date_of_year(plan.period_end, true)
  return data
end

-- The scales: days to x, values to y, within the drawing area.
local L, R, T, B = 40, 310, 10, 120

local function scales(data)
  local lo_d, hi_d = data.start, data.stop
  local lo_v, hi_v = 0, nil
  local function value(v)
    if v then lo_v, hi_v = math.min(lo_v, v), math.max(hi_v or v, v) end
  end
  value(data.base)
  value(data.target)
  for _, p in ipairs(data.points) do
    lo_d, hi_d = math.min(lo_d or p.d, p.d), math.max(hi_d or p.d, p.d)
    value(p.v)
  end
  if not hi_v or not lo_d then return nil end
  if hi_v == lo_v then hi_v = lo_v + 1 end
  hi_v = hi_v + (hi_v - lo_v) * 0.1
  hi_d = hi_d or lo_d
  if hi_d == lo_d then hi_d = lo_d + 1 end
  return {
    lo_d = lo_d, hi_d = hi_d, lo_v = lo_v, hi_v = hi_v,
    x = function(d) return string.format("%.1f", L + (d - lo_d) * (R - L) / (hi_d - lo_d)) end,
    y = function(v) return string.format("%.1f", B - (v - lo_v) * (B - T) / (hi_v - lo_v)) end,
  }
end

local function axes(s, today)
  local shapes = {html.render(
    '<line x1="{{l}}" y1="{{b}}" x2="{{r}}" y2="{{b}}" stroke="#1d1d1f"/>'
    .. '<line x1="{{l}}" y1="{{t}}" x2="{{l}}" y2="{{b}}" stroke="#1d1d1f"/>'
    .. '<text x="{{lt}}" y="{{b}}" font-size="9" text-anchor="end">{{vlo}}</text>'
    .. '<text x="{{lt}}" y="{{yt}}" font-size="9" text-anchor="end">{{vhi}}</text>'
    .. '<text x="{{l}}" y="134" font-size="9">{{dlo}}</text>'
    .. '<text x="{{r}}" y="134" font-size="9" text-anchor="end">{{dhi}}</text>',
    {l = L, r = R, t = T, b = B, lt = L - 3, yt = T + 8,
     vlo = fr_number(s.lo_v), vhi = fr_number(s.hi_v),
     dlo = os.date("!%Y", s.lo_d * 86400), dhi = os.date("!%Y", s.hi_d * 86400)})}
  if today >= s.lo_d and today <= s.hi_d then
    shapes[2] = html.render(
      '<line class="today" x1="{{x}}" y1="{{t}}" x2="{{x}}" y2="{{b}}" stroke="#6b6b6b" '
      .. 'stroke-dasharray="2 2"/>', {x = s.x(today), t = T, b = B})
  end
  return html.join(shapes)
end

local function indicator_svg(data, label)
  local s = scales(data)
  if not s then return "" end
  local shapes = {axes(s, data.today)}
  if data.target then
    local ty = s.y(data.target)
    shapes[#shapes + 1] = html.render(
      '<line class="target" x1="{{l}}" y1="{{y}}" x2="{{r}}" y2="{{y}}" stroke="#b3261e" '
      .. 'stroke-width="1.5" stroke-dasharray="6 3"/><text x="{{r}}" y="{{ty}}" font-size="9" '
      .. 'text-anchor="end">cible {{v}}</text>',
      {l = L, r = R, y = ty, ty = string.format("%.1f", math.max(tonumber(ty) - 3, 8)),
       v = fr_number(data.target)})
  end
  local line = {}
  if data.base and data.start then line[1] = s.x(data.start) .. "," .. s.y(data.base) end
  for _, p in ipairs(data.points) do line[#line + 1] = s.x(p.d) .. "," .. s.y(p.v) end
  if #line > 1 then
    shapes[#shapes + 1] = html.render(
      '<polyline points="{{p}}" fill="none" stroke="#2f5e9e" stroke-width="2"/>',
      {p = table.concat(line, " ")})
  end
  if data.base and data.start then
    shapes[#shapes + 1] = html.render(
      '<circle class="baseline" cx="{{x}}" cy="{{y}}" r="3.5" fill="#fff" stroke="#1d1d1f"/>',
      {x = s.x(data.start), y = s.y(data.base)})
  end
  for _, p in ipairs(data.points) do
    shapes[#shapes + 1] = html.render(
      '<circle class="measurement" cx="{{x}}" cy="{{y}}" r="3.5" fill="#2f5e9e" '
      .. 'stroke="#1d1d1f"/>', {x = s.x(p.d), y = s.y(p.v)})
  end
  return html.render('<svg viewBox="0 0 320 140" role="img" aria-label="{{label}}">'
                     .. '<title>{{label}}</title>{{shapes}}</svg>',
                     {label = label, shapes = html.join(shapes)})
end

-- The same figures as text: readable without the chart, in black and white.
local function indicator_facts(plan, data, ind)
  local facts = {}
  if data.base then facts[1] = "base " .. fr_number(data.base) end
  for _, p in ipairs(data.points) do
    facts[#facts + 1] = fr.short_date(p.date) .. NBSP .. ": " .. fr_number(p.v)
  end
  if data.target then
    local year = tostring(ind.year or "")
    facts[#facts + 1] = "cible " .. fr_number(data.target) .. (year ~= "" and (" en " .. year) or "")
  end
  if #data.points == 0 then facts[#facts + 1] = "aucune mesure" end
  local notes = {}
  if #data.skipped > 0 then
    notes[1] = html.render('<p class="note skipped">Pas un nombre, laissé de côté{{nb}}: {{s}}.</p>',
                           {nb = NBSP, s = table.concat(data.skipped, NNBSP .. "; ")})
  end
  if data.later > 0 then
    notes[#notes + 1] = html.render('<p class="note later">{{n}} après le {{d}}, non montrée{{s}}.</p>',
                                    {n = count(data.later, "mesure"), d = fr.short_date(plan.day),
                                     s = data.later > 1 and "s" or ""})
  end
  return html.render('<p class="legend">{{f}}</p>{{notes}}',
                     {f = table.concat(facts, " · "), notes = html.join(notes)})
end

local function indicator_figure(plan, node, ind)
  local data = read_indicator(plan, ind)
  local unit = tostring(ind.unit or "")
  return html.render([[
<figure class="indicator" data-id="{{id}}">
<figcaption><span class="name">{{name}}</span> {{title}}<br><strong>{{label}}</strong>{{unit}}</figcaption>
{{svg}}{{facts}}
</figure>]], {id = node.id, name = display_name(node), title = node.title or "",
              label = ind.label or "", unit = unit ~= "" and (" (" .. unit .. ")") or "",
              svg = indicator_svg(data, ind.label or "indicateur"),
              facts = indicator_facts(plan, data, ind)})
end

local function indicator_section(plan, st, look)
  if #st.indicators == 0 then return html.raw("") end
  local figures = {}
  for i = 1, math.min(#st.indicators, CAP) do
    local node = st.indicators[i]
    local r = look:get(node.id)
    for _, ind in ipairs(r and r.indicators or {}) do
      figures[#figures + 1] = indicator_figure(plan, node, ind)
    end
  end
  return html.render([[
<section id="indicateurs">
<h2>Indicateurs et cibles</h2>
<p class="legend">Cercle blanc{{nb}}: base{{nnb}}; points{{nb}}: mesures{{nnb}}; tirets rouges{{nb}}: cible{{nnb}};
pointillé gris{{nb}}: jour du tableau.</p>
<div class="indicators">
{{figures}}
</div>
{{more}}
</section>
]], {nb = NBSP, nnb = NNBSP, figures = html.join(figures, "\n"),
     more = more(#st.indicators - CAP, "autre élément avec indicateurs",
                 "autres éléments avec indicateurs")})
end

-- ------------------------------------------------------------------ the report

local function dashboard(plan)
  local st = collect(plan)
  local look = new_lookup()
  local body = html.render([[
<main>
{{header}}
{{statuses}}
{{tree}}
{{lists}}
{{budget}}
{{indicators}}
<footer>Tableau de bord produit par Jalon, mesuré le {{day}}. Santé{{nb}}: «{{nb}}dans les temps{{nb}}»
quand l’avancement atteint 95{{nnb}}% de l’attendu, «{{nb}}à risque{{nb}}» de 85 à 95{{nnb}}%,
«{{nb}}en retard{{nb}}» en dessous{{nnb}}; «{{nb}}sans calendrier{{nb}}» quand aucune échéance n’est connue.</footer>
</main>]], {
    header = header(plan, st), statuses = status_section(plan, st), tree = tree_section(plan, st),
    lists = lists(plan, st, look), budget = budget_section(st),
    indicators = indicator_section(plan, st, look), day = fr.date(plan.day),
    nb = NBSP, nnb = NNBSP})
  return html.page{title = "Tableau de bord — " .. (plan.organisation or plan.title or "PST"),
                   css = CSS, body = body}
end

jalon.report(NAME, function(ctx, words)
  local opts = parse_args(words or {}, ctx.output)
  return dashboard(jalon.plan(opts.day))
end)
