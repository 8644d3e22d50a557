-- SPDX-License-Identifier: MIT
-- jalon report tableur [--format ods|csv] [--date AAAA-MM-JJ] [-o actions.ods|actions.csv]
--
-- Les actions du plan pour un tableur, mesurées le jour donné (aujourd'hui par défaut).
--
-- ODS : une feuille par volet (« Volet externe », « Volet interne ») avec tous les champs
-- des actions en colonnes (dates en vraies dates, montants en euros, pourcentages en
-- nombres), puis la feuille « État d'avancement » d'une réunion de suivi : une ligne
-- par OS, OO, action et tâche, dans l'ordre du plan.
--
-- CSV (par défaut, sur la sortie standard) : les colonnes des feuilles des volets, en
-- une seule table avec une colonne « Volet ». UTF-8 avec BOM (sans lui, Excel lit les
-- accents de travers), séparateur point-virgule (celui qu'Excel attend en français de
-- Belgique ; LibreOffice le reconnaît d'office), fins de ligne CRLF et guillemets selon
-- la RFC 4180 ; dates AAAA-MM-JJ, montants en nombres à point décimal (« Budget (€) »),
-- pourcentages en nombres (« Avancement (%) »).
--
-- jalon.plan() donne l'arbre et les mesures ; jalon.get une fois par élément exporté.

local args = require "lib.args"
local ods = require "lib.ods"
local fr = require "lib.fr"

local NAME = "tableur"
local NBSP = "\u{A0}"

local VOLETS = {{key = "externe", sheet = "Volet externe"}, {key = "interne", sheet = "Volet interne"}}

-- ------------------------------------------------------------------ arguments

local function parse_args(words, output)
  return args.parse(NAME, words, output, {
    options = {["--date"] = "day"}, formats = {"ods", "csv"}, default = "csv",
    what = "le tableur", usage = "--format ods|csv, --date AAAA-MM-JJ, -o FICHIER.ods|.csv"})
end

-- ------------------------------------------------------------------ values

-- A cell's value, written by each format in its own way.
local function money(cents) return cents and {t = "money", v = cents} end
local function day(iso) return iso and iso ~= "" and {t = "date", v = iso} or nil end
local function pct(n) return n and {t = "pct", v = n} end
local function yes_no(b) return b and "oui" or "non" end

local function to_ods(v)
  if type(v) ~= "table" then return v end
  if v.t == "money" then return ods.currency(v.v) end
  if v.t == "date" then return ods.date(v.v) end
  return ods.percent(v.v)
end

-- Euros with a decimal point, without decimals when there are none: 12500, 12500.50.
local function plain_amount(cents)
  cents = math.tointeger(cents) or math.floor(cents + 0.5)
  local abs = math.abs(cents)
  local sign = cents < 0 and "-" or ""
  if abs % 100 == 0 then return sign .. tostring(abs // 100) end
  return string.format("%s%d.%02d", sign, abs // 100, abs % 100)
end

local function to_text(v)
  if v == nil then return "" end
  if type(v) == "table" then
    if v.t == "money" then return plain_amount(v.v) end
    return tostring(v.v)
  end
  return tostring(math.type(v) == "float" and (math.tointeger(v) or v) or v)
end

-- ------------------------------------------------------------------ fields as text

local join = fr.join

-- « O.O.1.1 : Développer… », or the title alone when the item has no label.
local function label_title(node)
  if not node then return "" end
  if node.label and node.label ~= "" then return node.label .. " : " .. (node.title or "") end
  return node.title or ""
end

local function deadline_text(rec)
  if rec.deadline and rec.deadline.text then return rec.deadline.text end
  if rec.recurrence and rec.recurrence.text then return rec.recurrence.text end
  return ""
end

local function recurrence_text(rec)
  local r = rec.recurrence
  if not r then return "" end
  local text = r.text or ""
  if r.to_confirm then text = text .. " (à confirmer)" end
  if r.note and r.note ~= "" then text = text .. " — " .. r.note end
  return text
end

-- The names of the people in each role: {porteur = "Marie Dupont, Service social", …}.
local function people_by_role(rec, people)
  local roles = {}
  for _, link in ipairs(rec.people or {}) do
    local p = people[link.person]
    local list = roles[link.role] or {}
    list[#list + 1] = p and p.name or link.person
    roles[link.role] = list
  end
  local out = {}
  for role, list in pairs(roles) do out[role] = table.concat(list, ", ") end
  return out
end

local function budget_lines(rec)
  local out = {}
  for _, b in ipairs(rec.budget or {}) do
    local line = {tostring(b.year or "") .. " : " .. fr.amount(b.amount_cents)}
    local what = join({b.fonction, b.source, b.label})
    if what ~= "" then line[#line + 1] = " (" .. what .. ")" end
    if b.spent_cents then line[#line + 1] = ", dépensé " .. fr.amount(b.spent_cents) end
    out[#out + 1] = table.concat(line)
  end
  return table.concat(out, "\n")
end

local function indicator_lines(rec)
  local out = {}
  for _, ind in ipairs(rec.indicators or {}) do
    local unit = ind.unit and ind.unit ~= "" and (" " .. ind.unit) or ""
    local parts = {}
    if ind.baseline and ind.baseline ~= "" then parts[#parts + 1] = "base " .. ind.baseline end
    if ind.target and ind.target ~= "" then
      parts[#parts + 1] = "cible " .. ind.target .. unit
                          .. (ind.year and ind.year ~= "" and (" en " .. ind.year) or "")
    end
    local m = ind.measurements and ind.measurements[#ind.measurements]
    if m then
      parts[#parts + 1] = "dernière mesure " .. tostring(m.value) .. unit .. " le "
                          .. fr.short_date(m.date)
    end
    out[#out + 1] = (ind.label or "") .. (#parts > 0 and (" : " .. table.concat(parts, ", ")) or "")
  end
  return table.concat(out, "\n")
end

local function custom_value(field, text)
  if text == nil or text == "" then return nil end
  if field.type == "date" then return day(text) end
  if field.type == "entier" then return tonumber(text) or text end
  return text
end

-- ------------------------------------------------------------------ the columns

-- The columns of the actions' sheets: title, width, whether long texts wrap, and the
-- value for a row r = {rec, node, os, oos, volet, roles, tasks}.
local function action_columns(custom_fields)
  local cols = {
    {"Id", "2.2cm", "text", function(r) return r.rec.id end},
    {"OS", "5cm", "wrap", function(r) return label_title(r.os) end},
    {"OO", "5cm", "wrap", function(r) return r.oos end},
    {"Numéro", "2.2cm", "text", function(r) return r.rec.label end},
    {"Titre", "7cm", "wrap", function(r) return r.rec.title end},
    {"Description", "8cm", "wrap", function(r) return r.rec.description end},
    {"Statut", "2.4cm", "text", function(r) return r.rec.status end},
    {"Santé", "2.2cm", "text", function(r) return r.rec.health end},
    {"Commentaire de santé", "5cm", "wrap", function(r) return r.rec.health_comment end},
    {"Avancement (%)", "2.6cm", "percentage", function(r) return pct(r.node.measure.progress) end},
    {"Avancement saisi (%)", "2.6cm", "percentage", function(r) return pct(r.rec.progress) end},
    {"Avancement attendu (%)", "2.6cm", "percentage", function(r) return pct(r.node.measure.expected) end},
    {"Calendrier", "3cm", "text", function(r) return r.node.measure.health end},
    {"Poids", "1.6cm", "float", function(r) return r.rec.weight end},
    {"Qui ?", "5cm", "wrap", function(r) return r.rec.who end},
    {"Mandataire", "4cm", "wrap", function(r) return r.roles.mandataire end},
    {"Responsable", "4cm", "wrap", function(r) return r.roles.responsable end},
    {"Gestionnaire", "4cm", "wrap", function(r) return r.roles.gestionnaire end},
    {"Porteur", "4cm", "wrap", function(r) return r.roles.porteur end},
    {"Échéance", "4cm", "wrap", function(r) return deadline_text(r.rec) end},
    {"Échéance : début", "2.6cm", "date", function(r) return day(r.rec.deadline and r.rec.deadline.start) end},
    {"Échéance : fin", "2.6cm", "date", function(r) return day(r.rec.deadline and r.rec.deadline["end"]) end},
    {"Échéance : à rendre", "4cm", "wrap", function(r) return r.rec.deadline and r.rec.deadline.due end},
    {"Récurrence", "4cm", "wrap", function(r) return recurrence_text(r.rec) end},
    {"Début prévu", "2.6cm", "date", function(r) return day(r.rec.planned_start) end},
    {"Fin prévue", "2.6cm", "date", function(r) return day(r.rec.planned_end) end},
    {"Début effectif", "2.6cm", "date", function(r) return day(r.rec.actual_start) end},
    {"Fin effective", "2.6cm", "date", function(r) return day(r.rec.actual_end) end},
    {"Prioritaire", "2.4cm", "text", function(r) return yes_no(r.rec.priority) end},
    {"Période de priorité", "3cm", "text", function(r) return r.rec.priority_period end},
    {"Partenaires", "5cm", "wrap", function(r) return join(r.rec.partners) end},
    {"Plans", "4cm", "wrap", function(r) return join(r.rec.sector_plans) end},
    {"ODD", "2.4cm", "text", function(r) return join(r.rec.odd) end},
    {"Synergie", "2.4cm", "text", function(r) return yes_no(r.rec.synergy) end},
    {"Budget (€)", "3.2cm", "currency", function(r)
      return #(r.rec.budget or {}) > 0 and money(r.node.budget_cents or 0) or nil
    end},
    {"Dépensé (€)", "3.2cm", "currency", function(r) return money(r.node.spent_cents) end},
    {"Lignes budgétaires", "7cm", "wrap", function(r) return budget_lines(r.rec) end},
    {"Indicateurs", "7cm", "wrap", function(r) return indicator_lines(r.rec) end},
    {"Tâches", "1.8cm", "float", function(r) return r.tasks end},
    {"Notes", "7cm", "wrap", function(r) return join(r.rec.notes, "\n") end},
  }
  for _, field in ipairs(custom_fields or {}) do
    local kinds = field.kinds or {}
    local for_actions = #kinds == 0
    for _, k in ipairs(kinds) do for_actions = for_actions or k == "action" end
    if for_actions then
      local date = field.type == "date"
      cols[#cols + 1] = {field.name, date and "2.6cm" or "4cm", date and "date" or "wrap",
        function(r) return custom_value(field, r.rec.custom and r.rec.custom[field.name]) end}
    end
  end
  return cols
end

-- « État d'avancement »: the columns a follow-up meeting goes through.
local STATE_COLUMNS = {
  {"Type", "1.8cm", "text"}, {"Numéro", "2.2cm", "text"}, {"Titre", "8cm", "wrap"},
  {"État", "2.4cm", "text"}, {"Mandataire", "3.5cm", "wrap"}, {"Gestionnaire", "3.5cm", "wrap"},
  {"Porteur", "3.5cm", "wrap"}, {"Échéance", "3.5cm", "wrap"}, {"Progression", "2.6cm", "percentage"},
  {"Constat", "7cm", "wrap"}, {"Santé", "4cm", "wrap"}, {"Détail", "9cm", "wrap"},
}

-- ------------------------------------------------------------------ walking the plan

local function oo_text(rec, plan)
  local parents = rec.parents or {}
  local out = {}
  for _, p in ipairs(parents) do
    local text = label_title(plan.items[p.id])
    if #parents > 1 then text = text .. " (" .. tostring(p.share) .. NBSP .. "%)" end
    out[#out + 1] = text
  end
  return table.concat(out, "\n")
end

local function count_tasks(node)
  local n = 0
  for _, child in ipairs(node.children or {}) do
    if child.kind == "task" and not child.draft then n = n + 1 end
  end
  return n
end

-- Calls fn(node, rec, row) for every item of the plan in plan order, once each (a
-- transversal action at its first place), drafts left out; row is the actions' row
-- context for an action, nil otherwise. One jalon.get per item, kept no longer than
-- the call: a large plan's records never sit in memory together.
local function each_item(plan, people, actions_only, fn)
  local seen = {}
  local function visit(node, os)
    if node.draft or seen[node.id] then return end
    seen[node.id] = true
    if not actions_only or node.kind == "action" then
      local rec = jalon.get(node.id) or {id = node.id, title = node.title}
      local row
      if node.kind == "action" then
        row = {rec = rec, node = node, os = os, volet = os.volet or "", oos = oo_text(rec, plan),
               roles = people_by_role(rec, people), tasks = count_tasks(node)}
      end
      fn(node, rec, row)
    end
    if actions_only and node.kind == "action" then return end
    for _, child in ipairs(node.children or {}) do visit(child, os) end
  end
  for _, os in ipairs(plan.os) do visit(os, os) end
end

local function load(day_opt)
  local plan = jalon.plan(day_opt)
  local people = {}
  for _, p in ipairs(jalon.people()) do people[p.id] = p end
  return plan, people
end

-- ------------------------------------------------------------------ CSV

-- Quoted when it holds a separator, a quote or a line end (RFC 4180). A text that a
-- spreadsheet would take for a formula (=, +, @, or - before anything but a space or a
-- digit) gets a leading apostrophe, so that opening the file runs nothing.
local function csv_field(s)
  if s:find("^[=+@]") or s:find("^%-[^%s%d]") then s = "'" .. s end
  if s:find('[;,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

local function csv_line(values)
  local out = {}
  for i, v in ipairs(values) do out[i] = csv_field(v) end
  return table.concat(out, ";") .. "\r\n"
end

-- Written line by line through ctx.write: the file never sits whole in Lua's memory.
local function csv_report(ctx, plan, people)
  local cols = action_columns(plan.custom_fields)
  local head = {"Volet"}
  for i, c in ipairs(cols) do head[i + 1] = c[1] end
  ctx.write("\u{FEFF}", csv_line(head))
  local values = {}
  each_item(plan, people, true, function(_, _, r)
    values[1] = r.volet
    for i, c in ipairs(cols) do values[i + 1] = to_text(c[4](r)) end
    ctx.write(csv_line(values))
  end)
end

-- ------------------------------------------------------------------ ODS

local function sheet_columns(cols)
  local spec, head = {}, {}
  for i, c in ipairs(cols) do
    local kind = c[3] ~= "text" and c[3] ~= "wrap" and c[3] or nil
    spec[i] = {width = c[2], wrap = c[3] == "wrap", kind = kind}
    head[i] = c[1]
  end
  return spec, head
end

local function health_text(node)
  local parts = {}
  if node.measure.health and node.measure.health ~= "" then parts[1] = node.measure.health end
  if node.health then parts[#parts + 1] = "santé : " .. node.health end
  return table.concat(parts, " ; ")
end

local function finding(rec)
  if rec.health_comment and rec.health_comment ~= "" then return rec.health_comment end
  local notes = rec.notes or {}
  return notes[#notes]
end

local function state_cells(node, rec, people)
  local roles = people_by_role(rec, people)
  local due = deadline_text(rec)
  return {jalon.kinds[node.kind].word, node.label, node.title, node.status, roles.mandataire,
    roles.gestionnaire, roles.porteur, due ~= "" and due or to_ods(day(rec.planned_end)),
    to_ods(pct(node.measure.progress)), finding(rec), health_text(node), rec.description}
end

-- One pass over the plan fills the volets' sheets and the follow-up sheet together. The
-- plan's tree is dropped before the file is written (book:bytes()), to leave it memory.
local function ods_book(plan, people)
  local title = plan.title or "Programme stratégique transversal"
  local book = ods.new{title = (plan.organisation and (plan.organisation .. " — ") or "") .. title}
  local cols = action_columns(plan.custom_fields)
  local spec, head = sheet_columns(cols)
  local sheets = {}
  for _, v in ipairs(VOLETS) do
    sheets[v.key] = book:sheet(v.sheet, spec, {freeze = 5}):header(head)
  end
  for _, os in ipairs(plan.os) do
    if not os.draft and not os.volet and not sheets[""] then
      sheets[""] = book:sheet("Volet non précisé", spec, {freeze = 5}):header(head)
    end
  end
  local state_spec, state_head = sheet_columns(STATE_COLUMNS)
  local state = book:sheet("État d'avancement", state_spec, {freeze = 3}):header(state_head)
  local cells = {}
  each_item(plan, people, false, function(node, rec, r)
    state:row(state_cells(node, rec, people), node.kind == "os" or node.kind == "oo")
    if not r then return end
    for i, c in ipairs(cols) do cells[i] = to_ods(c[4](r)) end
    sheets[r.volet]:row(cells)
  end)
  return book
end

jalon.report(NAME, function(ctx, words)
  local opts = parse_args(words or {}, ctx.output)
  if opts.format == "ods" then return ods_book(load(opts.day)):bytes() end
  csv_report(ctx, load(opts.day))
end)
