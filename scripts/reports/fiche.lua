-- SPDX-License-Identifier: MIT
-- jalon report fiche ACTION [ACTION…] | --all [--format html|md|odt] [--date AAAA-MM-JJ]
--                                                                   [-o fiches.html]
--
-- La fiche-action : une page par action, avec son chemin (volet › OS › OO › action), sa
-- description, son statut et son avancement mesurés le jour donné (aujourd'hui par
-- défaut), les personnes par rôle, les partenaires, l'échéance, les dates, la priorité,
-- les tâches, le budget, les indicateurs, les notes, les champs du CPAS et l'historique.
--
-- Le format vient de --format, sinon de l'extension de -o (.html, .md, .odt), sinon
-- Markdown sur la sortie standard. La fiche est d'abord décrite en blocs (titres,
-- champs, tableaux, listes), puis écrite dans le format voulu.

local args = require "lib.args"
local html = require "lib.html"
local fr = require "lib.fr"
local odt = require "lib.odt"

local NAME = "fiche"
local NBSP = "\u{A0}"
local COLON = NBSP .. ": " -- « Statut : », with the no-break space French puts there
local HISTORY_CAP = 30   -- modifications montrées, les plus récentes
local VALUE_CAP = 160    -- caractères d'une valeur dans l'historique

local ROLES = {"mandataire", "responsable", "gestionnaire", "porteur"}

-- ------------------------------------------------------------------ arguments

local function parse_args(words, output)
  local opts = args.parse(NAME, words, output, {
    options = {["--date"] = "day", ["--all"] = "flag"}, formats = {"html", "md", "odt"},
    aliases = {htm = "html", markdown = "md"}, default = "md", what = "la fiche",
    operands = true,
    usage = "ACTION…, --all, --format html|md|odt, --date AAAA-MM-JJ, -o FICHIER"})
  opts.refs = opts.operands
  if #opts.refs == 0 and not opts.all then
    args.fail(NAME, "quelle action ? (jalon report fiche ACTION… ou --all)")
  end
  if #opts.refs > 0 and opts.all then
    args.fail(NAME, "--all fait la fiche de toutes les actions : ne nommez pas d’action en plus")
  end
  return opts
end

-- ------------------------------------------------------------------ French text

local function quote(text)
  return "«" .. NBSP .. tostring(text) .. NBSP .. "»"
end

local function label_title(node)
  if not node then return "" end
  local label, title = node.label or "", node.title or ""
  if label ~= "" and title ~= "" then return label .. COLON .. title end
  return label ~= "" and label or title
end

local function short(text, cap)
  text = tostring(text or "")
  if utf8.len(text) and utf8.len(text) > cap then
    return text:sub(1, utf8.offset(text, cap) - 1) .. "…"
  end
  return text
end

-- « du 1er janvier 2020 au 31 janvier 2020 », « le 15 mars 2021 ».
local function span(first, last)
  if not first and not last then return nil end
  if first == last or not last then return "le " .. fr.date(first) end
  if not first then return "au plus tard le " .. fr.date(last) end
  return "du " .. fr.date(first) .. " au " .. fr.date(last)
end

local function yes_no(b) return b and "oui" or "non" end

local join = fr.join

local function person_text(p)
  if not p then return nil end
  if p.email and p.email ~= "" then return p.name .. " <" .. p.email .. ">" end
  return p.name
end

-- ------------------------------------------------------------------ the fiche as blocks

-- Blocks: {t = "h", text}, {t = "fields", rows = {{label, value}, …}}, {t = "p", text},
-- {t = "empty", text}, {t = "list", items}, {t = "table", head, rows, foot, num = {[i]}}.
-- Every text is plain text; a value may hold line ends.

local function path_blocks(rec, plan, out)
  local rows = {}
  local parents = rec.parents or {}
  for _, p in ipairs(parents) do
    local oo = plan.items[p.id]
    local os = oo and plan.items[oo.parent]
    local volet = os and os.volet
    local share = #parents > 1 and (" (" .. p.share .. NBSP .. "%)") or ""
    local crumbs = {volet and ("Volet " .. volet) or "Volet non précisé"}
    crumbs[#crumbs + 1] = os and (os.label ~= "" and os.label or ("OS " .. quote(short(os.title, 40)))) or "?"
    crumbs[#crumbs + 1] = oo and (oo.label ~= "" and oo.label or ("OO " .. quote(short(oo.title, 40)))) or "?"
    crumbs[#crumbs + 1] = (rec.label ~= "" and rec.label or quote(short(rec.title, 40))) .. share
    out[#out + 1] = {t = "path", text = table.concat(crumbs, " › ")}
    rows[#rows + 1] = {"Volet", volet or "non précisé"}
    rows[#rows + 1] = {"Objectif stratégique", label_title(os)}
    rows[#rows + 1] = {"Objectif opérationnel", label_title(oo) .. share}
  end
  if #rows == 0 then rows[1] = {"Objectif", "aucun (action hors de l’arbre du plan)"} end
  out[#out + 1] = {t = "h", text = "Objectifs"}
  out[#out + 1] = {t = "fields", rows = rows}
end

local function status_block(rec, node, plan)
  local m = node and node.measure or {}
  local progress = m.progress and fr.percent(m.progress) or "rien à mesurer"
  if m.expected then progress = progress .. " (attendu" .. COLON .. fr.percent(m.expected) .. ")" end
  local health = rec.health and rec.health ~= "" and rec.health or "non signalée"
  if rec.health_comment and rec.health_comment ~= "" then
    health = health .. " — " .. rec.health_comment
  end
  local rows = {
    {"Statut", rec.status or ""},
    {"Avancement", progress},
    {"Calendrier", m.health and m.health ~= "" and m.health or "pas de calendrier connu"},
    {"Santé", health},
  }
  if rec.progress then rows[#rows + 1] = {"Avancement saisi", fr.percent(rec.progress)} end
  rows[#rows + 1] = {"Poids", tostring(rec.weight or 1)}
  if (m.overdue or 0) > 0 then
    rows[#rows + 1] = {"En retard", fr.count(m.overdue, "élément échu et pas terminé",
                                             "éléments échus et pas terminés")}
  end
  rows[#rows + 1] = {"Mesuré le", fr.date(plan.day)}
  if rec.draft then rows[#rows + 1] = {"Brouillon", "oui (hors des rapports)"} end
  return {t = "fields", rows = rows}
end

local function people_block(rec, people)
  local by_role = {}
  for _, link in ipairs(rec.people or {}) do
    local list = by_role[link.role] or {}
    list[#list + 1] = person_text(people[link.person]) or link.person
    by_role[link.role] = list
  end
  local rows = {{"Qui ?", rec.who ~= "" and rec.who or "—"}}
  for _, role in ipairs(ROLES) do
    rows[#rows + 1] = {role:sub(1, 1):upper() .. role:sub(2),
                       by_role[role] and table.concat(by_role[role], "\n") or "—"}
  end
  rows[#rows + 1] = {"Partenaires", #(rec.partners or {}) > 0 and join(rec.partners) or "—"}
  return {t = "fields", rows = rows}
end

local function deadline_value(d)
  if not d then return "—" end
  local lines = {quote(d.text or "")}
  if d.error then
    lines[#lines + 1] = "pas comprise" .. COLON .. d.error
  else
    local when = span(d.start, d["end"])
    if when then lines[#lines + 1] = when end
  end
  if d.due and d.due ~= "" then lines[#lines + 1] = "à rendre" .. COLON .. d.due end
  return table.concat(lines, "\n")
end

local function dates_block(rec)
  local rows = {{"Échéance", deadline_value(rec.deadline)}}
  local r = rec.recurrence
  if r then
    local text = quote(r.text or "") .. (r.to_confirm and " (à confirmer)" or "")
    if r.note and r.note ~= "" then text = text .. "\n" .. r.note end
    rows[#rows + 1] = {"Récurrence", text}
    if rec.recurrence_anchor then rows[#rows + 1] = {"Première fois", fr.date(rec.recurrence_anchor)} end
    if rec.recurrence_end then rows[#rows + 1] = {"Dernière fois", fr.date(rec.recurrence_end)} end
    if #(rec.done_occurrences or {}) > 0 then
      local done = {}
      for i, d in ipairs(rec.done_occurrences) do done[i] = fr.short_date(d) end
      rows[#rows + 1] = {"Faites", table.concat(done, ", ")}
    end
  end
  local function date_row(label, iso) rows[#rows + 1] = {label, iso and fr.date(iso) or "—"} end
  date_row("Début prévu", rec.planned_start)
  date_row("Fin prévue", rec.planned_end)
  date_row("Début effectif", rec.actual_start)
  date_row("Fin effective", rec.actual_end)
  local priority = yes_no(rec.priority)
  if rec.priority_period and rec.priority_period ~= "" then
    priority = priority .. " (" .. rec.priority_period .. ")"
  end
  rows[#rows + 1] = {"Prioritaire", priority}
  rows[#rows + 1] = {"Synergie Ville/CPAS", yes_no(rec.synergy)}
  if #(rec.sector_plans or {}) > 0 then rows[#rows + 1] = {"Plans", join(rec.sector_plans)} end
  if #(rec.odd or {}) > 0 then rows[#rows + 1] = {"ODD", join(rec.odd)} end
  return {t = "fields", rows = rows}
end

local function task_who(task, people)
  local names = {}
  for _, link in ipairs(task.people or {}) do
    local p = people[link.person]
    names[#names + 1] = (p and p.name or link.person) .. " (" .. link.role .. ")"
  end
  return join({task.who, join(names)}, "\n")
end

local function task_due(task)
  local d = task.deadline
  if d then
    local when = not d.error and span(d.start, d["end"])
    return d.text .. (when and ("\n" .. when) or "")
  end
  if task.recurrence then return task.recurrence.text or "" end
  return task.planned_end and ("fin prévue " .. fr.date(task.planned_end)) or ""
end

local function tasks_block(node, people)
  local rows = {}
  for _, child in ipairs(node and node.children or {}) do
    if child.kind == "task" and not child.draft then
      local task = jalon.get(child.id) or {title = child.title}
      local status = child.status or ""
      if child.health then status = status .. "\nsanté" .. COLON .. child.health end
      rows[#rows + 1] = {label_title(task), task_who(task, people), task_due(task), status,
                         child.measure.progress and fr.percent(child.measure.progress) or "—"}
    end
  end
  if #rows == 0 then return {t = "empty", text = "Aucune tâche."} end
  return {t = "table", head = {"Tâche", "Qui ?", "Échéance", "Statut", "Avancement"},
          rows = rows, num = {[5] = true}, widths = {6, 4, 4, 2, 3}, class = "tasks"}
end

local function budget_block(rec)
  local lines = rec.budget or {}
  if #lines == 0 then return {t = "empty", text = "Aucune ligne budgétaire."} end
  local rows, total, spent, known = {}, 0, 0, false
  for _, b in ipairs(lines) do
    total = total + (b.amount_cents or 0)
    if b.spent_cents then spent, known = spent + b.spent_cents, true end
    rows[#rows + 1] = {tostring(b.year or ""), fr.amount(b.amount_cents), b.fonction or "",
                       b.source or "", b.label or "", b.spent_cents and fr.amount(b.spent_cents) or "—"}
  end
  return {t = "table", head = {"Année", "Montant", "Fonction", "Source", "Libellé", "Dépensé"},
          rows = rows, foot = {"Total", fr.amount(total), "", "", "", known and fr.amount(spent) or "—"},
          num = {[2] = true, [6] = true}, widths = {1, 2, 2, 2, 2, 2}, class = "budget"}
end

local function indicators_block(rec)
  local list = rec.indicators or {}
  if #list == 0 then return {t = "empty", text = "Aucun indicateur."} end
  local rows = {}
  for _, ind in ipairs(list) do
    local measures = {}
    for _, m in ipairs(ind.measurements or {}) do
      measures[#measures + 1] = fr.short_date(m.date) .. COLON .. tostring(m.value)
    end
    rows[#rows + 1] = {ind.label or "", ind.unit or "", tostring(ind.baseline or ""),
                       tostring(ind.target or ""), tostring(ind.year or ""),
                       #measures > 0 and table.concat(measures, "\n") or "—"}
  end
  return {t = "table", head = {"Indicateur", "Unité", "Base", "Cible", "Année", "Mesures"},
          rows = rows, widths = {4, 2, 1, 1, 1, 3}, class = "indicators"}
end

local function custom_block(rec, plan)
  local rows, shown = {}, {}
  for _, field in ipairs(plan.custom_fields or {}) do
    local kinds = field.kinds or {}
    local applies = #kinds == 0
    for _, k in ipairs(kinds) do applies = applies or k == "action" end
    if applies then
      local v = rec.custom and rec.custom[field.name]
      if field.type == "date" and v then v = fr.date(v) end
      rows[#rows + 1] = {field.name, v and v ~= "" and v or "—"}
      shown[field.name] = true
    end
  end
  local extra = {}
  for k in pairs(rec.custom or {}) do if not shown[k] then extra[#extra + 1] = k end end
  table.sort(extra)
  for _, k in ipairs(extra) do rows[#rows + 1] = {k, tostring(rec.custom[k])} end
  if #rows == 0 then return nil end
  return {t = "fields", rows = rows}
end

-- One change as a line: « statut : « à lancer » → « en cours » ».
local function change_line(c, people)
  local function value(v)
    v = tostring(v or ""):gsub("person%-%d+", function(id)
      return people[id] and people[id].name or id
    end)
    return quote(short(v:gsub("\n", " "), VALUE_CAP))
  end
  local label = c.label ~= "" and c.label or c.field
  if c.before == "" then return label .. COLON .. value(c.after) end
  if c.after == "" then return label .. COLON .. value(c.before) .. " effacé" end
  return label .. COLON .. value(c.before) .. " → " .. value(c.after)
end

local function history_block(rec, people)
  local log = jalon.history(rec.id, HISTORY_CAP + 1)
  if #log == 0 then return {{t = "empty", text = "Aucune modification enregistrée."}} end
  local rows = {}
  for i = 1, math.min(#log, HISTORY_CAP) do
    local e = log[i]
    local when = fr.date(os.date("%Y-%m-%d", e.time)) .. " à " .. os.date("%H:%M", e.time)
    local lines = {}
    if e.message:find("^Import du plan") then
      lines[1] = "Import du plan (création de l’action)"
    else
      for _, c in ipairs(e.changes or {}) do lines[#lines + 1] = change_line(c, people) end
      if #lines == 0 then lines[1] = e.message end
    end
    rows[#rows + 1] = {when, e.author and e.author.name or "", table.concat(lines, "\n")}
  end
  local out = {{t = "table", head = {"Date", "Auteur", "Modification"}, rows = rows,
                widths = {2, 2, 7}, class = "history"}}
  if #log > HISTORY_CAP then
    out[2] = {t = "empty", text = "Les " .. HISTORY_CAP .. " dernières modifications ; "
              .. "jalon log " .. rec.id .. " les montre toutes."}
  end
  return out
end

local function fiche_blocks(rec, plan, people)
  local node = plan.items[rec.id]
  local out = {{t = "kicker", text = "Fiche-action — " .. (plan.organisation or "")},
               {t = "title", text = label_title(rec)}}
  path_blocks(rec, plan, out)
  local function section(title, block)
    out[#out + 1] = {t = "h", text = title}
    if block then
      if block.t then out[#out + 1] = block else
        for _, b in ipairs(block) do out[#out + 1] = b end
      end
    end
  end
  section("Description", rec.description ~= "" and {t = "p", text = rec.description}
                         or {t = "empty", text = "Pas de description."})
  section("Statut et avancement", status_block(rec, node, plan))
  section("Qui ?", people_block(rec, people))
  section("Échéance, dates et priorité", dates_block(rec))
  section("Tâches", tasks_block(node, people))
  section("Budget", budget_block(rec))
  section("Indicateurs", indicators_block(rec))
  section("Notes", #(rec.notes or {}) > 0 and {t = "list", items = rec.notes}
                   or {t = "empty", text = "Aucune note."})
  local custom = custom_block(rec, plan)
  if custom then section("Champs du CPAS", custom) end
  section("Historique", history_block(rec, people))
  return out
end

-- ------------------------------------------------------------------ Markdown

-- Markdown that shows the text as written: the characters Markdown would read as markup
-- (and raw HTML) are backslash-escaped.
local function md_escape(text)
  text = tostring(text):gsub("([\\`*_%[%]<>|])", "\\%1")
  return (text:gsub("&(#?%w+;)", "\\&%1"))
end

-- What would start a heading, a list, a quote or a rule at the beginning of a line.
local function md_line_start(s)
  if s:match("^%s*[#+=>-]") then return (s:gsub("^(%s*)", "%1\\", 1)) end
  return (s:gsub("^(%s*%d+)([.)])", "%1\\%2", 1))
end

-- A text on one or more lines, escaped, its lines joined with sep.
local function md_lines(text, sep)
  text = tostring(text)
  if not text:find("[\\`*_%[%]<>|&\r\n]") and not text:find("^%s*[#+=>%-%d]") then
    return text -- most texts: nothing to escape
  end
  local lines = {}
  for line in (tostring(text):gsub("\r\n?", "\n") .. "\n"):gmatch("(.-)\n") do
    lines[#lines + 1] = md_line_start(md_escape(line))
  end
  return table.concat(lines, sep)
end

local function md_row(cells)
  local out = {}
  for i, c in ipairs(cells) do out[i] = md_lines(c, "<br>") end
  return "| " .. table.concat(out, " | ") .. " |"
end

local MD = {}
function MD.kicker(b) return "*" .. md_escape(b.text) .. "*" end
function MD.title(b) return "# " .. md_lines(b.text, " ") end
function MD.path(b) return md_lines(b.text, " ") end
function MD.h(b) return "## " .. md_lines(b.text, " ") end
function MD.p(b) return md_lines(b.text, "  \n") end
function MD.empty(b) return "*" .. md_escape(b.text) .. "*" end
function MD.list(b)
  local out = {}
  for i, item in ipairs(b.items) do out[i] = "- " .. md_lines(item, "  \n  ") end
  return table.concat(out, "\n")
end
function MD.fields(b)
  local out = {}
  for i, r in ipairs(b.rows) do
    out[i] = "- **" .. md_escape(r[1]) .. "**" .. NBSP .. ": " .. md_lines(r[2], "  \n  ")
  end
  return table.concat(out, "\n")
end
function MD.table(b)
  local sep = {}
  for i = 1, #b.head do sep[i] = b.num and b.num[i] and "---:" or "---" end
  local out = {md_row(b.head), "| " .. table.concat(sep, " | ") .. " |"}
  for _, r in ipairs(b.rows) do out[#out + 1] = md_row(r) end
  if b.foot then
    local foot = {}
    for i, c in ipairs(b.foot) do foot[i] = c ~= "" and ("**" .. md_lines(c, " ") .. "**") or "" end
    out[#out + 1] = "| " .. table.concat(foot, " | ") .. " |"
  end
  return table.concat(out, "\n")
end

local function markdown(blocks)
  local out = {}
  for k, b in ipairs(blocks) do out[k] = MD[b.t](b) end
  return table.concat(out, "\n\n")
end

-- ------------------------------------------------------------------ HTML

local CSS = [[
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1d1d1f;
  line-height: 1.4; background: #fff; }
section.fiche { max-width: 56rem; margin: 0 auto; padding: 1rem;
  page-break-after: always; break-after: page; }
section.fiche:last-child { page-break-after: auto; break-after: auto; }
.kicker { margin: 0; font-size: 0.9rem; font-weight: bold; text-transform: uppercase;
  letter-spacing: 0.05em; color: #4a4a4f; }
h1 { font-size: 1.45rem; margin: 0.2rem 0 0.4rem; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 0.4rem; border-bottom: 2px solid #1d1d1f;
  padding-bottom: 0.15rem; break-after: avoid; page-break-after: avoid; }
h1, h2, p, li, td, th, dd, dt { overflow-wrap: anywhere; }
.path { margin: 0.2rem 0; color: #2f5e9e; font-weight: bold; }
dl { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr; gap: 0.15rem 1rem;
  margin: 0.3rem 0; }
dt { font-weight: bold; }
dd { margin: 0; }
.empty { color: #6b6b6b; font-style: italic; margin: 0.3rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #c9c9cf; padding: 0.25rem 0.4rem; text-align: left;
  vertical-align: top; }
th { background: #f3f3f6; }
tfoot td { font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.tasks td:nth-child(4) { white-space: nowrap; }
table.history td:nth-child(1) { width: 9rem; }
table.history td:nth-child(2) { width: 8rem; }
@page { size: A4; margin: 15mm; }
@media print {
  html { font-size: 10pt; }
  section.fiche { max-width: none; padding: 0; }
  th { background: #fff; }
}
]]

local BR = html.raw("<br>")

-- A text whose line ends become <br>; a text on one line stays text (escaped later).
local function html_lines(text)
  text = tostring(text)
  if not text:find("[\r\n]") then return text end
  local lines = {}
  for line in (tostring(text):gsub("\r\n?", "\n") .. "\n"):gmatch("(.-)\n") do
    lines[#lines + 1] = line
  end
  return html.join(lines, BR)
end

local function html_cells(tag, cells, num)
  local out = {}
  local plain, right = html.raw("<" .. tag .. ">"), html.raw("<" .. tag .. ' class="num">')
  local close = html.raw("</" .. tag .. ">")
  for i, c in ipairs(cells) do
    out[i] = html.join{num and num[i] and right or plain, html_lines(c), close}
  end
  return html.join(out)
end

local HTML = {}
function HTML.kicker(b) return html.render('<p class="kicker">{{t}}</p>', {t = b.text}) end
function HTML.title(b) return html.render("<h1>{{t}}</h1>", {t = b.text}) end
function HTML.path(b) return html.render('<p class="path">{{t}}</p>', {t = b.text}) end
function HTML.h(b) return html.render("<h2>{{t}}</h2>", {t = b.text}) end
function HTML.p(b) return html.render("<p>{{t}}</p>", {t = html_lines(b.text)}) end
function HTML.empty(b) return html.render('<p class="empty">{{t}}</p>', {t = b.text}) end
function HTML.list(b)
  local items = {}
  for i, item in ipairs(b.items) do items[i] = html.render("<li>{{t}}</li>", {t = html_lines(item)}) end
  return html.render("<ul>{{items}}</ul>", {items = html.join(items, "\n")})
end
local DT, DT_DD, DD = html.raw("<dt>"), html.raw("</dt><dd>"), html.raw("</dd>")
local TR, TR_END = html.raw("<tr>"), html.raw("</tr>")

function HTML.fields(b)
  local rows = {}
  for i, r in ipairs(b.rows) do rows[i] = html.join{DT, r[1], DT_DD, html_lines(r[2]), DD} end
  return html.render("<dl>\n{{rows}}\n</dl>", {rows = html.join(rows, "\n")})
end
function HTML.table(b)
  local rows = {}
  for i, r in ipairs(b.rows) do
    rows[i] = html.join{TR, html_cells("td", r, b.num), TR_END}
  end
  local foot = b.foot and html.render("<tfoot><tr>{{cells}}</tr></tfoot>",
                                      {cells = html_cells("td", b.foot, b.num)}) or ""
  return html.render('<table class="{{class}}"><thead><tr>{{head}}</tr></thead>'
                     .. "<tbody>\n{{rows}}\n</tbody>{{foot}}</table>",
                     {class = b.class or "", head = html_cells("th", b.head, b.num),
                      rows = html.join(rows, "\n"), foot = foot})
end

local function html_fiche(blocks)
  local out = {}
  for k, b in ipairs(blocks) do out[k] = HTML[b.t](b) end
  return html.render('<section class="fiche">\n{{body}}\n</section>\n',
                     {body = html.join(out, "\n")})
end

-- The page around the fiches, as the text before them and the text after them: the
-- fiches are written one at a time in between.
local function html_frame(title)
  local page = html.page{title = title, css = CSS, body = html.raw("\0")}
  return page:match("^(.-)%z(.*)$")
end

-- ------------------------------------------------------------------ ODT

-- The fiche in the document model of lib/odt.lua.
local function bold(text) return {{text = text, bold = true}} end

local ODT = {}
function ODT.kicker(b) return {type = "paragraph", style = "note", text = b.text} end
function ODT.title(b) return {type = "heading", level = 1, text = b.text} end
function ODT.path(b) return {type = "paragraph", text = bold(b.text)} end
function ODT.h(b) return {type = "heading", level = 2, text = b.text} end
function ODT.p(b) return {type = "paragraph", text = b.text} end
function ODT.empty(b) return {type = "paragraph", style = "note", text = b.text} end
function ODT.list(b) return {type = "list", items = b.items} end
function ODT.fields(b)
  local rows = {}
  for i, r in ipairs(b.rows) do rows[i] = {bold(r[1]), r[2]} end
  return {type = "table", rows = rows, widths = {2, 5}}
end
function ODT.table(b)
  local rows = {}
  for i, r in ipairs(b.rows) do rows[i] = r end
  if b.foot then
    local foot = {}
    for i, c in ipairs(b.foot) do foot[i] = bold(c) end
    rows[#rows + 1] = foot
  end
  return {type = "table", head = b.head, rows = rows, widths = b.widths}
end

local function odt_blocks(blocks, out)
  if #out > 0 then out[#out + 1] = {type = "page_break"} end
  for _, b in ipairs(blocks) do out[#out + 1] = ODT[b.t](b) end
end

local function odt_document(blocks, plan, title)
  return odt.document{title = title, subject = plan.title, date = plan.day, blocks = blocks,
                      footer = title}
end

-- ------------------------------------------------------------------ the report

local function resolve(ref)
  local rec = jalon.get(ref)
  if not rec then args.fail(NAME, "« " .. ref .. " » ne désigne aucune action du plan") end
  if rec.kind ~= "action" then
    local kind = jalon.kinds[rec.kind] -- « un objectif opérationnel », « une personne »…
    args.fail(NAME, "« " .. ref .. " » est " .. (kind and kind.phrase or rec.kind)
                .. (rec.id and (" (" .. rec.id .. ")") or "") .. ", pas une action : "
                .. "la fiche-action ne se fait que pour une action")
  end
  return rec
end

-- Every action of the plan, in plan order, once, without drafts.
local function all_actions(plan)
  local ids, seen = {}, {}
  local function visit(node)
    if node.draft or seen[node.id] then return end
    seen[node.id] = true
    if node.kind == "action" then ids[#ids + 1] = node.id return end
    for _, child in ipairs(node.children or {}) do visit(child) end
  end
  for _, os in ipairs(plan.os) do visit(os) end
  return ids
end

-- The fiches are written one by one as they are made (ctx.write), so that a plan's
-- whole binder never sits in memory; the ODT, a single document, is the exception.
jalon.report(NAME, function(ctx, words)
  local opts = parse_args(words or {}, ctx.output)
  local ids, given = {}, {}
  for _, ref in ipairs(opts.refs) do
    local rec = resolve(ref)
    if not given[rec.id] then ids[#ids + 1], given[rec.id] = rec.id, rec end
  end
  local plan = jalon.plan(opts.day)
  if opts.all then
    ids = all_actions(plan)
    if #ids == 0 then args.fail(NAME, "le plan n’a aucune action") end
  end
  local people = {}
  for _, p in ipairs(jalon.people()) do people[p.id] = p end
  local first = given[ids[1]] or jalon.get(ids[1])
  local title = #ids == 1 and ("Fiche-action — " .. label_title(first))
                or ("Fiches-actions — " .. (plan.organisation or plan.title or ""))
  local head, tail, odt_out
  if opts.format == "html" then
    head, tail = html_frame(title)
    ctx.write(head)
  elseif opts.format == "odt" then
    odt_out = {}
  end
  for i, id in ipairs(ids) do
    local blocks = fiche_blocks(given[id] or (i == 1 and first) or jalon.get(id), plan, people)
    if opts.format == "html" then
      ctx.write(tostring(html_fiche(blocks)))
    elseif odt_out then
      odt_blocks(blocks, odt_out)
    else
      ctx.write(i > 1 and "\n\n---\n\n" or "", markdown(blocks))
    end
  end
  if odt_out then return odt_document(odt_out, plan, title) end
  return tail or "\n"
end)
