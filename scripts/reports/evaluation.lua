-- SPDX-License-Identifier: MIT
-- jalon report evaluation --since DATE [--until DATE] [--format html|md|odt] [-o FICHIER]
-- jalon report evaluation --between ÉTIQUETTE1 ÉTIQUETTE2 …
--
-- Le rapport d'évaluation du PST (à mi-législature, en fin de législature) : ce qui a
-- changé pendant la période, d'après l'historique. Une date AAAA-MM-JJ est un jour
-- entier (--since l'inclut, --until aussi), @SECONDES un instant, une étiquette
-- (« pst-adopte ») l'état marqué par « jalon tag ». Le format suit l'extension du
-- fichier -o (.html, .md, .odt), sinon --format, sinon Markdown.
--
-- Sources : jalon.time (les bornes de la période), jalon.plan (le plan tel qu'il était
-- au début et à la fin de la période, mesuré par Jalon selon ses règles), jalon.diff
-- (les enregistrements changés), jalon.log (chaque changement, sa date, son auteur, ses
-- valeurs). L'annexe liste chaque changement de la période, ni plus ni moins.

local args = require "lib.args"
local html = require "lib.html"
local fr = require "lib.fr"
local odt = require "lib.odt"
local markdown = require "lib.markdown"

local NAME = "evaluation"
local CAP = 30 -- éléments par liste, puis « … et N autres »
local RIGHT = {"left", "right", "right", "right", "right"}

local function fail(message, ...)
  args.fail(NAME, message, ...)
end

-- ------------------------------------------------------------------ small helpers

local function truncate(text, n)
  text = tostring(text or "")
  local len = utf8.len(text)
  if not len or len <= n then return text end
  return text:sub(1, utf8.offset(text, n) - 1) .. "…"
end

local UPPER = {["é"] = "É", ["è"] = "È", ["ê"] = "Ê", ["à"] = "À", ["â"] = "Â", ["î"] = "Î",
               ["ô"] = "Ô", ["û"] = "Û", ["ç"] = "Ç"}

local function capitalize(text)
  local first = text:match("^[%z\1-\127\194-\244][\128-\191]*")
  if not first then return text end
  return (UPPER[first] or first:upper()) .. text:sub(#first + 1)
end

-- « Objectif stratégique », « Action »: the kind as a heading word.
local function kind_word(kind)
  local k = jalon.kinds[kind]
  return k and capitalize(k.title) or ""
end

-- The rank of a kind in the tree (OS 1 … tâche 4).
local function kind_level(kind)
  local k = jalon.kinds[kind]
  return k and k.level or #jalon.kinds + 1
end

local function id_number(id)
  return tonumber(id:match("%-(%d+)$")) or 0
end

local function is_item(node)
  return node.kind == "action" or node.kind == "task"
end

local function more(n, what, annex)
  return string.format("… et %s%s.", fr.count(n, what .. " de plus", what .. "s de plus"),
                       annex and " (voir l’annexe)" or "")
end

local function clock(t)
  return os.date("!%H:%M", t)
end

-- « 23 novembre 2026, 14:22:05 UTC »
local function instant_words(t)
  return fr.date(fr.iso_day(t)) .. ", " .. os.date("!%H:%M:%S", t) .. " UTC"
end

-- ------------------------------------------------------------------ the period

-- A bound of the period: {time (Unix, since excluded, until included), kind, text}.
-- jalon.time reads it; the forms are checked here first so that a bad one gets the
-- report's own message.
local function bound(text, option, is_since)
  if text == nil or text == "" or text:sub(1, 2) == "--" then
    fail("%s attend une date AAAA-MM-JJ, @SECONDES ou une étiquette de l’historique", option)
  end
  if text:match("^%d%d%d%d%-%d%d%-%d%d$") then
    if not args.valid_day(text) then fail("%s : « %s » n’est pas une date valide", option, text) end
    -- a whole day: since excludes the second before its first, until includes its last
    local time = is_since and jalon.time(text) - 1 or jalon.time(text, true)
    return {time = time, kind = "date", text = text}
  end
  local seconds = text:match("^@(%-?%d+)$")
  if seconds then
    if not math.tointeger(tonumber(seconds)) then
      fail("%s : « %s » n’est pas un instant valide", option, text)
    end
    return {time = jalon.time(text), kind = "time", text = text}
  end
  local ok, time = pcall(jalon.time, text)
  if not ok then
    fail("%s attend une date AAAA-MM-JJ, @SECONDES ou une étiquette de l’historique, pas « %s »",
         option, text)
  end
  return {time = time, kind = "tag", text = text} -- its commit's time
end

local function since_words(b)
  if b.kind == "date" then return "du " .. fr.date(b.text) end
  if b.kind == "tag" then
    return "depuis l’étiquette « " .. b.text .. " » (" .. instant_words(b.time) .. ")"
  end
  return "du " .. instant_words(b.time + 1)
end

-- after_tag: « depuis l’étiquette … jusqu’au … » rather than « du … au … ».
local function until_words(b, after_tag)
  if b.kind == "tag" then
    return "jusqu’à l’étiquette « " .. b.text .. " » (" .. instant_words(b.time) .. ")"
  end
  local day = b.kind == "date" and fr.date(b.text) .. " inclus"
              or instant_words(b.time) .. (b.kind == "now" and " (aujourd’hui)" or "")
  return (after_tag and "jusqu’au " or "au ") .. day
end

local function period_words(p)
  return since_words(p.since) .. " " .. until_words(p.until_, p.since.kind == "tag")
end

local function parse_args(words, output)
  local opts = args.parse(NAME, words, output, {
    options = {["--since"] = "text", ["--until"] = "text", ["--between"] = 2},
    formats = {"html", "md", "odt"}, aliases = {htm = "html", markdown = "md"},
    default = "md", what = "l’évaluation",
    usage = "--since DATE [--until DATE] | --between ÉTIQUETTE1 ÉTIQUETTE2 "
            .. "[--format html|md|odt] [-o FICHIER]"})
  opts.until_ = opts["until"]
  if opts.between and (opts.since or opts.until_) then
    fail("--between ne se combine pas avec --since ou --until")
  end
  if not opts.between and not opts.since then
    fail("quelle période ? --since DATE [--until DATE] ou --between ÉTIQUETTE1 ÉTIQUETTE2")
  end
  return opts
end

-- The period: its bounds as Unix times; ends_now when it reaches the present (its end
-- state is then the plan as it stands).
local function period_of(opts)
  local since, until_
  local now = os.time()
  if opts.between then
    since = bound(opts.between[1], "--between", true)
    until_ = bound(opts.between[2], "--between", false)
  else
    since = bound(opts.since, "--since", true)
    if opts.until_ then until_ = bound(opts.until_, "--until", false)
    else until_ = {time = now, kind = "now"} end
  end
  if until_.time < since.time then
    fail("la fin de la période (%s) précède son début (%s)", until_words(until_),
         since_words(since))
  end
  return {since = since, until_ = until_, now = now, ends_now = until_.time >= now,
          first_day = fr.iso_day(since.time + 1), last_day = fr.iso_day(until_.time)}
end

-- ------------------------------------------------------------------ the plan at both ends

-- A plan of jalon.plan as the report reads it: its nodes by id (items), each node's
-- parents in plan order (from the children lists: a transversal action is a child of
-- each of its OO) and the nodes a report shows (visible: reached from an OS through
-- nodes that are not drafts).
local function view_of(plan)
  local v = {plan = plan, items = plan.items, parents = {}, visible = {}}
  local walked = {}
  local function walk(node)
    if walked[node.id] then return end
    walked[node.id] = true
    for _, child in ipairs(node.children) do
      local list = v.parents[child.id]
      if not list then
        list = {}
        v.parents[child.id] = list
      end
      list[#list + 1] = node.id
      walk(child)
    end
  end
  local function show(node)
    if v.visible[node.id] or node.draft then return end
    v.visible[node.id] = true
    for _, child in ipairs(node.children) do show(child) end
  end
  for _, os in ipairs(plan.os) do
    walk(os)
    show(os)
  end
  return v
end

-- An item's progress as Jalon measured it in that plan (nil: absent or nothing to measure).
local function progress_in(view, id)
  local node = view.items[id]
  return node and node.measure.progress
end

-- Actions and tasks by status, each once.
local function status_counts(view)
  local counts = {action = {}, task = {}}
  for id in pairs(view.visible) do
    local node = view.items[id]
    local c = counts[node.kind]
    local status = node.status
    if c and status then c[status] = (c[status] or 0) + 1 end
  end
  return counts
end

-- ------------------------------------------------------------------ the changes

local BULK = 25 -- a commit creating more records is an import: one line in the annex

-- "titre : … ; parent : …" for a creation (the new texts) or a removal (the old ones),
-- with the values of the fields on that side.
local function summary(changes, created)
  local parts, values = {}, {}
  for _, c in ipairs(changes) do
    local text = created and c.after or c.before
    if text ~= "" then parts[#parts + 1] = c.label .. " : " .. text end
    values[c.field] = created and c.new or c.old
  end
  return table.concat(parts, " ; "), values
end

-- The rows of one commit for one record: one per field, or one for its creation or
-- removal.
local function add_rows(rows, commit, id, changes, rank)
  local base = {time = commit.time, commit = commit.commit, author = commit.author,
                message = commit.message, id = id, rank = rank}
  local function row(fields)
    local r = {}
    for k, v in pairs(base) do r[k] = v end
    for k, v in pairs(fields) do r[k] = v end
    r.seq = #rows
    rows[#rows + 1] = r
  end
  local mine = {}
  for _, c in ipairs(changes) do
    if c.record == id then mine[#mine + 1] = c end
  end
  local first = mine[1]
  if first and (first.created or first.removed) then
    local text, values = summary(mine, first.created)
    row{name = first.name, field = first.created and "creation" or "removal",
        label = first.created and "ajout" or "retrait", before = first.created and "" or text,
        after = first.created and text or "", values = values}
    return #mine
  end
  for _, c in ipairs(mine) do
    row{name = c.name, field = c.field, label = c.label, before = c.before, after = c.after,
        old = c.old, new = c.new}
  end
  return #mine
end

-- An import (a commit creating more than BULK records) as one row.
local function fold_imports(rows)
  local created = {}
  for _, r in ipairs(rows) do
    if r.field == "creation" then created[r.commit] = (created[r.commit] or 0) + 1 end
  end
  local out, done = {}, {}
  for _, r in ipairs(rows) do
    local n = r.field == "creation" and created[r.commit] or 0
    if n <= BULK then
      out[#out + 1] = r
    elseif not done[r.commit] then
      done[r.commit] = true
      out[#out + 1] = {time = r.time, commit = r.commit, author = r.author, id = "plan",
                       name = "Plan", field = "import", label = "import", before = "",
                       after = r.message .. " (" .. fr.count(n, "fiche créée", "fiches créées") .. ")",
                       rank = r.rank, seq = r.seq, bulk = n}
    end
  end
  return out
end

-- Every change of the period, in order, each with its commit's time and author: the
-- commits of the period (jalon.log), also those a later one undid; records lists the
-- records whose state differs between the two ends (jalon.diff).
local function load_changes(p)
  local since, until_ = "@" .. p.since.time, "@" .. p.until_.time
  local rows, records = {}, {}
  local net = jalon.diff(since, until_)
  for rank, entry in ipairs(net) do
    local id = entry.changes[1] and entry.changes[1].record
    if id and not records[id] then
      records[id] = {id = id, rank = rank}
      records[#records + 1] = id
    end
  end
  local log = jalon.log(since, until_)
  for i = #log, 1, -1 do -- oldest first
    local commit = log[i]
    if #commit.changes == 0 then -- an import too large to detail: its message
      rows[#rows + 1] = {time = commit.time, commit = commit.commit, author = commit.author,
                         id = "plan", name = "Plan", field = "import", label = "import",
                         before = "", after = commit.message, rank = 0, seq = #rows}
    else
      local seen = {}
      for _, c in ipairs(commit.changes) do
        if not seen[c.record] then
          seen[c.record] = true
          local rank = records[c.record] and records[c.record].rank or #net + 1
          add_rows(rows, commit, c.record, commit.changes, rank)
        end
      end
    end
  end
  table.sort(rows, function(a, b)
    if a.time ~= b.time then return a.time < b.time end
    if a.rank ~= b.rank then return a.rank < b.rank end
    return a.seq < b.seq
  end)
  return fold_imports(rows), records
end

-- The changes of each record grouped by commit: events[id] = {{time, author, changes}, …}.
local function events_of(changes)
  local events = {}
  for _, c in ipairs(changes) do
    local list = events[c.id]
    if not list then
      list = {}
      events[c.id] = list
    end
    local last = list[#list]
    if not last or last.commit ~= c.commit then
      last = {commit = c.commit, time = c.time, author = c.author, changes = {}}
      list[#list + 1] = last
    end
    last.changes[#last.changes + 1] = c
  end
  return events
end

-- The last day an échéance (its end) or a planned end names, from the field's value.
local function end_day(field, value)
  if field == "deadline" then return type(value) == "table" and value["end"] or nil end
  if field == "planned_end" then return type(value) == "string" and value or nil end
  return nil
end

-- "later" when an échéance or a planned end moved from old to a later day.
local function deadline_move(field, old, new)
  local before, after = end_day(field, old), end_day(field, new)
  if not before or not after or before == after then return nil end
  return after > before and "later" or "earlier"
end

-- ------------------------------------------------------------------ names

local function display(node)
  if not node then return "" end
  if node.label ~= "" then return node.label .. " — " .. node.title end
  return node.title
end

local function short_name(node)
  if node.label ~= "" then return node.label end
  return kind_word(node.kind) .. " « " .. truncate(node.title, 50) .. " »"
end

-- ------------------------------------------------------------------ the evaluation

-- The plan at both ends of the period, measured by Jalon (a script's rules included):
-- at the start, as it stood at the start bound; at the end, as it stood at the end
-- bound, or as it stands when the period reaches the present.
local function gather(p)
  local start_plan = jalon.plan(p.first_day, "@" .. p.since.time)
  local end_plan = p.ends_now and jalon.plan(p.last_day) or jalon.plan(p.last_day, "@" .. p.until_.time)
  local changes, records = load_changes(p)
  -- plan names the plan on the cover: as it was at the end, or, for a period before it
  -- existed, as it is
  local named = end_plan.organisation and end_plan or jalon.get("plan") or end_plan
  return {plan = named, period = p, changes = changes, records = records,
          events = events_of(changes), start = view_of(start_plan), finish = view_of(end_plan)}
end

-- The node to name an item by: at the end, else (removed) at the start.
local function state(e, id)
  return e.finish.items[id] or e.start.items[id]
end

-- The plan (its view) that names an item: the end's, else the start's.
local function view_holding(e, id)
  return e.finish.items[id] and e.finish or e.start
end

local function shown(e, id)
  return e.finish.visible[id] or (not e.finish.items[id] and e.start.visible[id])
end

local function name_of_id(e, id)
  local s = state(e, id)
  return s and short_name(s) or id
end

-- The record of an item at the end of the period (its indicators, its measurements).
local function record_at_end(e, id)
  if e.period.ends_now then return jalon.get(id) end
  return jalon.at(id, "@" .. e.period.until_.time)
end

-- A value as a line tells it: an échéance or a récurrence as written, else the
-- change's text.
local function value_words(text, value)
  if type(value) == "table" and value.text then text = value.text end
  if text == nil or text == "" then return "(vide)" end
  return "« " .. truncate(text, 120) .. " »"
end

-- Parents ({{id, share}, …}) by name: « OO2 60 %, OO3 40 % ».
local function parents_value_words(e, parents)
  if type(parents) ~= "table" or #parents == 0 then return "(aucun)" end
  local names = {}
  for i, p in ipairs(parents) do
    local share = p.share or 100
    names[i] = name_of_id(e, p.id) .. (share ~= 100 and " " .. share .. " %" or "")
  end
  return table.concat(names, ", ")
end

local STEPS = 6 -- changes of one kind told on a line, then « … »

-- "ajout de « … »" when the new text only adds to the old one (a note, a measurement).
local WHOLE = {title = true, label = true, status = true, parents = true, deadline = true,
               planned_start = true, planned_end = true, actual_start = true, actual_end = true,
               progress = true, weight = true, position = true}

local function appended(c)
  if WHOLE[c.field] or c.before == "" or #c.after <= #c.before or
     c.after:sub(1, #c.before) ~= c.before then
    return nil
  end
  return (c.after:sub(#c.before + 1):gsub("^[%s,;]+", ""))
end

-- One line for the changes of one kind (a field) an item went through, each step with
-- its date and author: « Statut : « à lancer » → « en cours » (12/03/2020, Marc) → … ».
local function group_line(e, g)
  local steps, first, last = g.steps, g.steps[1].c, g.steps[#g.steps].c
  local function stamp(step) return " (" .. step.stamp .. ")" end
  if g.field == "creation" then
    local status = first.values.status
    return "Ajouté au plan" .. (status and ", statut « " .. status .. " »" or "") .. stamp(steps[1])
  elseif g.field == "removal" then
    return "Retiré du plan" .. stamp(steps[#steps])
  end
  local words = value_words -- (text, value) of one side of a change
  local head
  if g.field == "progress" then
    head = "Avancement : "
    words = function(_, v) return v == nil and "(non saisi)" or fr.percent(v) end
  elseif g.field == "status" then head = "Statut : "
  elseif g.field == "title" then head = "Titre reformulé : "
  elseif g.field == "parents" then
    head = "Déplacé : "
    words = function(_, v) return parents_value_words(e, v) end
  else
    local move = deadline_move(g.field, first.old, last.new)
    head = move == "later" and "Reporté : " .. g.label .. " "
           or move == "earlier" and "Avancé : " .. g.label .. " "
           or capitalize(g.label) .. " : "
  end
  local all_appended = true
  for _, step in ipairs(steps) do
    if not appended(step.c) then all_appended = false end
  end
  local parts = {head}
  if all_appended then
    parts[2] = #steps == 1 and "ajout de " or "ajouts de "
    for i, step in ipairs(steps) do
      if i > STEPS then
        parts[#parts + 1] = ", … (" .. fr.count(#steps - STEPS, "autre") .. ")"
        break
      end
      parts[#parts + 1] = (i > 1 and ", " or "") .. "« " .. truncate(appended(step.c), 120) .. " »" ..
                          stamp(step)
    end
    return table.concat(parts)
  end
  parts[2] = words(first.before, first.old)
  for i, step in ipairs(steps) do
    if i > STEPS and i < #steps then
      if i == STEPS + 1 then parts[#parts + 1] = " → …" end
    else
      parts[#parts + 1] = " → " .. words(step.c.after, step.c.new) .. stamp(step)
    end
  end
  return table.concat(parts)
end

-- What an item went through in the period: one line per kind of change.
local function item_lines(e, id)
  local groups, order = {}, {}
  for _, ev in ipairs(e.events[id] or {}) do
    local stamp = fr.short_date(fr.iso_day(ev.time)) .. ", " .. ev.author.name
    for _, c in ipairs(ev.changes) do
      if c.field ~= "position" then
        local g = groups[c.field]
        if not g then
          g = {field = c.field, label = c.label, steps = {}}
          groups[c.field] = g
          order[#order + 1] = g
        end
        g.steps[#g.steps + 1] = {c = c, stamp = stamp}
      end
    end
  end
  local lines = {}
  for i, g in ipairs(order) do lines[i] = group_line(e, g) end
  return lines
end

-- What each action and task went through, by kind, for the synthesis: the statuses it
-- took, an échéance moved later; added or removed, it is shown in one plan only.
local function outcomes(e)
  local sets = {}
  for _, key in ipairs{"terminé", "en cours", "reporté", "abandonné", "ajouté", "retiré"} do
    sets[key] = {action = {}, task = {}}
  end
  local function mark(key, id)
    local s = state(e, id)
    local set = s and sets[key][s.kind]
    if set then set[id] = true end
  end
  for _, c in ipairs(e.changes) do
    if shown(e, c.id) then
      local status = c.field == "creation" and c.values.status
                     or c.field == "status" and c.new ~= c.old and c.new
      if status and sets[status] then mark(status, c.id) end
      if deadline_move(c.field, c.old, c.new) == "later" then mark("reporté", c.id) end
    end
  end
  for _, id in ipairs(e.records) do
    local before, after = e.start.visible[id], e.finish.visible[id]
    if after and not before then mark("ajouté", id) end
    if before and not after then mark("retiré", id) end
  end
  return sets
end

local function size(set)
  local n = 0
  for _ in pairs(set) do n = n + 1 end
  return n
end
-- ------------------------------------------------------------------ the document

local function doc_builder()
  local blocks = {}
  local d = {blocks = blocks}
  function d.add(block) blocks[#blocks + 1] = block end
  function d.h(level, text) d.add{type = "heading", level = level, text = text} end
  function d.p(text, style) d.add{type = "paragraph", text = text, style = style} end
  function d.list(items) if #items > 0 then d.add{type = "list", items = items} end end
  function d.table(head, rows, widths, align)
    d.add{type = "table", head = head, rows = rows, widths = widths, align = align}
  end
  return d
end

local function bold(text) return {text = text, bold = true} end

local function cover(d, e)
  local plan, p = e.plan, e.period
  d.add{type = "title", text = "Évaluation du Programme stratégique transversal"}
  d.add{type = "subtitle", text = plan.organisation or ""}
  if plan.title and plan.title ~= "" then d.p(plan.title, "center") end
  d.p({"Période évaluée : ", bold(period_words(p))}, "center")
  d.p("Rapport établi le " .. fr.date(os.date("%Y-%m-%d")), "center")
  d.add{type = "page_break"}
end

local function percent_change(a, b)
  if a == nil or b == nil then return "—" end
  local diff = b - a
  if diff == 0 then return "inchangé" end
  return (diff > 0 and "+" or "−") .. fr.count(math.abs(diff), "point")
end

-- The progress of the plan ("plan") or of a volet as Jalon measured it.
local function measured(plan, key)
  local m = key == "plan" and plan.measure or plan.volets[key]
  return m and m.progress
end

local function synthesis(d, e)
  d.h(1, "Synthèse")
  local authors = {}
  for _, c in ipairs(e.changes) do authors[c.author.email ~= "" and c.author.email or c.author.name] = true end
  if #e.changes == 0 then
    d.p("Aucun changement n’a été enregistré pendant la période.")
  else
    d.p(string.format("Pendant la période, %s %s été %s sur %s, par %s.",
      fr.count(#e.changes, "changement"), #e.changes == 1 and "a" or "ont",
      #e.changes == 1 and "enregistré" or "enregistrés", fr.count(#e.records, "élément"),
      fr.count(size(authors), "personne")))
  end
  local sets = outcomes(e)
  local rows = {}
  local lines = {{"terminé", "Terminées"}, {"en cours", "Lancées (passées « en cours »)"},
                 {"reporté", "Reportées (statut « reporté » ou échéance repoussée)"},
                 {"abandonné", "Abandonnées"}, {"ajouté", "Ajoutées au plan"},
                 {"retiré", "Retirées du plan"}}
  for i, line in ipairs(lines) do
    local set = sets[line[1]]
    rows[i] = {line[2], tostring(size(set.action)), tostring(size(set.task))}
  end
  d.h(2, "Ce qui s’est passé")
  d.table({"Pendant la période", "Actions", "Tâches"}, rows, {4, 1, 1}, RIGHT)

  d.h(2, "Avancement")
  local prows = {}
  for _, key in ipairs{"plan", "externe", "interne"} do
    local a, b = measured(e.start.plan, key), measured(e.finish.plan, key)
    if key == "plan" or a or b then
      prows[#prows + 1] = {key == "plan" and "Plan entier" or "Volet " .. key, fr.percent(a),
                           fr.percent(b), percent_change(a, b)}
    end
  end
  d.table({"", "Début de la période", "Fin de la période", "Évolution"}, prows, {2, 1, 1, 1}, RIGHT)
  d.p("L’avancement au début et à la fin de la période est celui que Jalon calcule pour le " ..
      "plan tel qu’il était à chacune de ces deux dates, avec les mêmes règles (statuts, " ..
      "avancements saisis, poids, et les règles propres du plan s’il en a) : les deux chiffres " ..
      "se comparent donc directement.", "note")

  local counts = {start = status_counts(e.start), finish = status_counts(e.finish)}
  local has_tasks = next(counts.start.task) or next(counts.finish.task)
  local srows = {}
  for i, status in ipairs(jalon.statuses) do
    local row = {status, tostring(counts.start.action[status] or 0),
                 tostring(counts.finish.action[status] or 0)}
    if has_tasks then
      row[4] = tostring(counts.start.task[status] or 0)
      row[5] = tostring(counts.finish.task[status] or 0)
    end
    srows[i] = row
  end
  d.h(2, "Statuts au début et à la fin")
  if has_tasks then
    d.table({"Statut", "Actions au début", "Actions à la fin", "Tâches au début", "Tâches à la fin"},
            srows, {2, 1, 1, 1, 1}, RIGHT)
  else
    d.table({"Statut", "Actions au début", "Actions à la fin"}, srows, {2, 1, 1}, RIGHT)
  end
end

-- The children of a node in both plans: the end's where they are, removed ones where
-- they were.
local function union_children(e, id)
  local out, seen = {}, {}
  local b, a = e.finish.items[id], e.start.items[id]
  for _, child in ipairs(b and b.children or {}) do
    seen[child.id] = true
    out[#out + 1] = child.id
  end
  for _, child in ipairs(a and a.children or {}) do
    if not seen[child.id] and not e.finish.items[child.id] then out[#out + 1] = child.id end
  end
  return out
end

local function progress_words(e, id)
  local a, b = progress_in(e.start, id), progress_in(e.finish, id)
  if not e.start.items[id] then return "ajouté pendant la période ; avancement à la fin : " .. fr.percent(b) end
  if not e.finish.items[id] then return "retiré pendant la période ; avancement au début : " .. fr.percent(a) end
  if a == nil and b == nil then return "avancement : rien à mesurer" end
  return "avancement " .. fr.percent(a) .. " au début, " .. fr.percent(b) .. " à la fin"
end

-- The actions and tasks below an objective that changed, in plan order.
local function changed_below(e, id, out, seen, depth)
  for _, child in ipairs(union_children(e, id)) do
    local s = state(e, child)
    if not seen[child] and shown(e, child) and is_item(s) and depth < 8 then
      seen[child] = true
      if e.events[child] then out[#out + 1] = child end
      changed_below(e, child, out, seen, depth + 1)
    end
  end
end

local function objective(d, e, id, level)
  local s = state(e, id)
  d.h(level, display(s))
  local meta = progress_words(e, id)
  if s.kind == "os" and s.volet then meta = "Volet " .. s.volet .. " ; " .. meta end
  d.p(meta, "note")
  d.list(item_lines(e, id))
  local items, seen = {}, {}
  changed_below(e, id, items, seen, 0)
  local counts = {action = 0, task = 0}
  for child in pairs(seen) do
    local kind = state(e, child).kind
    counts[kind] = counts[kind] + 1
  end
  for i, item in ipairs(items) do
    if i > CAP then
      d.p(more(#items - CAP, "élément changé", true), "note")
      break
    end
    local is = state(e, item)
    local parent = is.kind == "task" and (view_holding(e, item).parents[item] or {})[1]
    local under = parent and " — sous " .. name_of_id(e, parent) or ""
    d.p({bold((is.kind == "task" and "Tâche : " or "") .. display(is)), under,
         " (" .. (e.finish.items[item] and is.status or "retiré") .. ")"}, "item")
    d.list(item_lines(e, item))
  end
  local total = counts.action + counts.task
  local what = {}
  if counts.action > 0 then what[#what + 1] = fr.count(counts.action, "action") end
  if counts.task > 0 then what[#what + 1] = fr.count(counts.task, "tâche") end
  what = table.concat(what, " et ")
  if s.kind ~= "os" and total == 0 then
    d.p("Aucune action ni tâche.", "note")
  elseif #items == 0 and total > 0 then
    d.p("Sans changement pendant la période (" .. what .. ").", "note")
  elseif total > #items then
    local others = total - #items
    d.p((others == 1 and "Pas de changement pour l’autre" or
         "Pas de changement pour les " .. others .. " autres") ..
        " (l’objectif compte " .. what .. ").", "note")
  end
  for _, child in ipairs(union_children(e, id)) do
    local cs = state(e, child)
    if shown(e, child) and not is_item(cs) then objective(d, e, child, level + 1) end
  end
end

local function by_objective(d, e)
  d.h(1, "Suivi par objectif")
  d.p("Pour chaque objectif, dans l’ordre du plan : son avancement au début et à la fin de " ..
      "la période, puis chaque action ou tâche qui a changé, avec la date et l’auteur de " ..
      "chaque changement.", "note")
  local roots, seen = {}, {}
  for _, v in ipairs{e.finish, e.start} do
    for _, os in ipairs(v.plan.os) do
      if not seen[os.id] and shown(e, os.id) then
        seen[os.id] = true
        roots[#roots + 1] = os.id
      end
    end
  end
  if #roots == 0 then d.p("Le plan n’a pas d’objectif stratégique.") end
  for _, id in ipairs(roots) do objective(d, e, id, 2) end
end

local function who(d, e)
  d.h(1, "Qui a fait quoi")
  local people, order = {}, {}
  for _, c in ipairs(e.changes) do
    local key = c.author.email ~= "" and c.author.email or c.author.name
    local person = people[key]
    if not person then
      person = {name = c.author.name, email = c.author.email, count = 0, items = {}, list = {},
                names = {}}
      people[key] = person
      order[#order + 1] = key
    end
    person.count = person.count + 1
    if not person.items[c.id] then
      person.items[c.id] = true
      person.list[#person.list + 1] = c.id
      person.names[c.id] = c.id == "plan" and "le plan" or c.name
    end
  end
  if #order == 0 then
    d.p("Personne n’a rien changé pendant la période.")
    return
  end
  table.sort(order, function(a, b)
    if people[a].count ~= people[b].count then return people[a].count > people[b].count end
    return people[a].name < people[b].name
  end)
  local rows = {}
  for i, key in ipairs(order) do
    local person = people[key]
    local names = {}
    for k, id in ipairs(person.list) do
      if k > 10 then
        names[#names + 1] = "… et " .. (#person.list - 10) .. " autres"
        break
      end
      local s = state(e, id)
      names[#names + 1] = s and short_name(s) or person.names[id]
    end
    rows[i] = {person.name .. (person.email ~= "" and " (" .. person.email .. ")" or ""),
               tostring(person.count), tostring(#person.list), table.concat(names, ", ")}
  end
  d.table({"Personne", "Changements", "Éléments", "Éléments touchés"}, rows, {6, 5, 4, 13},
          {"left", "right", "right"})
end

local function number(text)
  if text == nil then return nil end
  return tonumber((tostring(text):gsub("%s", ""):gsub(",", ".")))
end

local function indicators(d, e)
  d.h(1, "Évolution des indicateurs")
  local ids, seen = {}, {}
  local function walk(node) -- the end's plan, in plan order
    if seen[node.id] or not e.finish.visible[node.id] then return end
    seen[node.id] = true
    if (node.indicators or 0) > 0 then ids[#ids + 1] = node.id end
    for _, child in ipairs(node.children) do walk(child) end
  end
  for _, os in ipairs(e.finish.plan.os) do walk(os) end
  if #ids == 0 then
    d.p("Aucun élément du plan n’a d’indicateur.")
    return
  end
  local p = e.period
  d.p("Les mesures datées de la période (du " .. fr.date(p.first_day) .. " au " ..
      fr.date(p.last_day) .. "), comparées à la base et à la cible de chaque indicateur.", "note")
  local rows = {}
  for i, id in ipairs(ids) do
    if i > CAP * 2 then break end
    local s = e.finish.items[id]
    local rec = record_at_end(e, id)
    for _, ind in ipairs(rec and rec.indicators or {}) do
      local before, during = nil, {}
      for _, m in ipairs(ind.measurements or {}) do
        if m.date < p.first_day then before = m
        elseif m.date <= p.last_day then during[#during + 1] = fr.short_date(m.date) .. " : " .. m.value end
      end
      local unit = ind.unit and ind.unit ~= "" and " (" .. ind.unit .. ")" or ""
      local latest
      for _, m in ipairs(ind.measurements or {}) do
        if m.date <= p.last_day then latest = m end
      end
      local reached = "—"
      local base, target, value = number(ind.baseline), number(ind.target), number(latest and latest.value)
      if base and target and value and target ~= base then
        reached = fr.percent(math.floor((value - base) * 100 / (target - base) + 0.5))
      end
      rows[#rows + 1] = {short_name(s), ind.label .. unit,
                         (ind.baseline or "—") .. " → " .. (ind.target or "—") ..
                           (ind.year and " (" .. ind.year .. ")" or ""),
                         before and before.value .. " (" .. fr.short_date(before.date) .. ")" or "—",
                         #during > 0 and table.concat(during, " ; ") or "aucune",
                         reached}
    end
  end
  d.table({"Élément", "Indicateur", "Base → cible", "Avant la période", "Mesures de la période",
           "Atteinte de la cible"}, rows, {3, 3, 2, 2, 3, 2})
  if #ids > CAP * 2 then d.p(more(#ids - CAP * 2, "élément à indicateurs"), "note") end
end

local function capped_list(d, items, what)
  if #items == 0 then
    d.p("Aucun.", "note")
    return
  end
  local shown_items = {}
  for i = 1, math.min(#items, CAP * 2) do shown_items[i] = items[i] end
  d.list(shown_items)
  if #items > CAP * 2 then d.p(more(#items - CAP * 2, what), "note") end
end

-- An item's parents in one plan, by name.
local function parents_words(e, v, id)
  local names = {}
  for i, parent in ipairs(v.parents[id] or {}) do names[i] = name_of_id(e, parent) end
  return #names > 0 and table.concat(names, ", ") or "—"
end

-- Whether an item has the same parents in both plans, whatever their order.
local function same_parents(e, id)
  local a, b = e.start.parents[id] or {}, e.finish.parents[id] or {}
  if #a ~= #b then return false end
  local set = {}
  for _, parent in ipairs(a) do set[parent] = true end
  for _, parent in ipairs(b) do
    if not set[parent] then return false end
  end
  return true
end

-- Plan items by kind (OS first), then by number.
local function by_kind(e)
  return function(x, y)
    local kx, ky = kind_level(state(e, x).kind), kind_level(state(e, y).kind)
    if kx ~= ky then return kx < ky end
    return id_number(x) < id_number(y)
  end
end

local function plan_changes(d, e)
  d.h(1, "Modifications du plan")
  local reworded, added, removed, moved = {}, {}, {}, {}
  local ids = {}
  for _, id in ipairs(e.records) do
    if state(e, id) then ids[#ids + 1] = id end -- an item of the plan at one end
  end
  table.sort(ids, by_kind(e))
  for _, id in ipairs(ids) do
    local a = e.start.visible[id] and e.start.items[id]
    local b = e.finish.visible[id] and e.finish.items[id]
    local word = kind_word(state(e, id).kind)
    if a and b then
      if a.title ~= b.title then
        reworded[#reworded + 1] = {bold(a.label ~= "" and a.label or word), " : « " .. a.title ..
                                   " » → « " .. b.title .. " »"}
      end
      if not same_parents(e, id) then
        moved[#moved + 1] = {bold(short_name(b)), " : de " .. parents_words(e, e.start, id) ..
                             " à " .. parents_words(e, e.finish, id)}
      end
      if a.volet ~= b.volet and a.kind == "os" then
        moved[#moved + 1] = {bold(short_name(b)), " : du volet " .. tostring(a.volet) ..
                             " au volet " .. tostring(b.volet)}
      end
    elseif b then
      added[#added + 1] = {bold(word), " " .. display(b) ..
                           (b.kind ~= "os" and " (sous " .. parents_words(e, e.finish, id) .. ")" or "") ..
                           (e.start.items[id] and " — sorti des brouillons" or "")}
    elseif a then
      removed[#removed + 1] = {bold(word), " " .. display(a) ..
                               (a.kind ~= "os" and " (sous " .. parents_words(e, e.start, id) .. ")" or "") ..
                               (e.finish.items[id] and " — passé en brouillon" or "")}
    end
  end
  d.h(2, "Reformulations")
  capped_list(d, reworded, "reformulation")
  d.h(2, "Ajouts")
  capped_list(d, added, "ajout")
  d.h(2, "Retraits")
  capped_list(d, removed, "retrait")
  d.h(2, "Déplacements")
  capped_list(d, moved, "déplacement")
  local own = {}
  for _, c in ipairs(e.changes) do
    if c.id == "plan" then
      local what = c.field == "import" and c.after
                   or capitalize(c.label) .. " : " .. value_words(c.before, c.old) .. " → " ..
                      value_words(c.after, c.new)
      own[#own + 1] = what .. " (" .. fr.short_date(fr.iso_day(c.time)) .. ", " .. c.author.name .. ")"
    end
  end
  if #own > 0 then
    d.h(2, "Le plan lui-même")
    capped_list(d, own, "changement")
  end
end

local function synergies(d, e)
  d.h(1, "Synergies avec la commune")
  local ids, seen = {}, {}
  local function consider(id)
    if seen[id] then return end
    seen[id] = true
    local a, b = e.start.items[id], e.finish.items[id]
    if shown(e, id) and ((a and a.synergy) or (b and b.synergy)) then ids[#ids + 1] = id end
  end
  for id in pairs(e.finish.visible) do consider(id) end
  for _, id in ipairs(e.records) do consider(id) end
  if #ids == 0 then
    d.p("Aucun élément du plan n’est marqué « synergie » avec la commune : l’évaluation " ..
        "ne relève donc aucune synergie à examiner pour cette période.")
    return
  end
  table.sort(ids, by_kind(e))
  d.p("Les éléments marqués « synergie » (menés avec la commune), leur état à la fin de la " ..
      "période et ce qui a changé pour eux.", "note")
  local rows = {}
  for i, id in ipairs(ids) do
    if i > CAP * 2 then break end
    local b = e.finish.items[id]
    local s = state(e, id)
    local state_words
    if not b then state_words = "retiré du plan"
    elseif not b.synergy then state_words = b.status .. " ; n’est plus marqué « synergie »"
    else state_words = b.status end
    local lines = item_lines(e, id)
    rows[#rows + 1] = {kind_word(s.kind) .. " : " .. display(s), state_words,
                       fr.percent(progress_in(e.finish, id)),
                       #lines > 0 and table.concat(lines, " ; ") or "aucun changement pendant la période"}
  end
  d.table({"Élément", "État à la fin", "Avancement", "Changements de la période"}, rows,
          {4, 2, 2, 5})
  if #ids > CAP * 2 then d.p(more(#ids - CAP * 2, "élément en synergie"), "note") end
end

local function annex(d, e)
  d.add{type = "page_break"}
  d.h(1, "Annexe : les changements de la période")
  local p = e.period
  d.p(string.format("Chaque changement enregistré %s, dans l’ordre chronologique : %s. " ..
                    "Heures en temps universel (UTC).", period_words(p),
                    fr.count(#e.changes, "changement")), "note")
  if #e.changes == 0 then return end
  local rows = {}
  for i, c in ipairs(e.changes) do
    local s = state(e, c.id)
    local name = s and short_name(s) or c.name
    if s and s.draft then name = name .. " (brouillon)" end
    rows[i] = {fr.short_date(fr.iso_day(c.time)) .. " " .. clock(c.time), name .. " (" .. c.id .. ")",
               c.label, c.before ~= "" and c.before or "—", c.after ~= "" and c.after or "—",
               c.author.name}
  end
  d.table({"Date", "Élément", "Champ", "Avant", "Après", "Auteur"}, rows, {2, 3, 2, 4, 4, 2})
end

-- ------------------------------------------------------------------ HTML

local CSS = [[
* { box-sizing: border-box; }
body { margin: 0; font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1d1d1f;
  line-height: 1.4; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1, h2, h3, h4, h5, p, li, td, th { overflow-wrap: anywhere; }
.cover { text-align: center; padding: 3rem 0 2rem; }
.cover h1 { font-size: 1.9rem; color: #1f3b63; margin: 0 0 1rem; }
.cover .subtitle { font-size: 1.3rem; margin: 0 0 1rem; }
h2 { font-size: 1.4rem; color: #1f3b63; border-bottom: 2px solid #1f3b63; margin: 2rem 0 0.6rem;
  padding-bottom: 0.2rem; }
h3 { font-size: 1.15rem; margin: 1.4rem 0 0.4rem; }
h4 { font-size: 1.02rem; margin: 1rem 0 0.3rem; }
h5 { font-size: 0.95rem; margin: 0.8rem 0 0.3rem; }
p { margin: 0.3rem 0 0.5rem; }
p.center { text-align: center; }
p.note { color: #4a4a4f; font-size: 0.88rem; font-style: italic; }
ul { margin: 0.2rem 0 0.7rem; padding-left: 1.4rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; margin: 0.4rem 0 1rem; }
th, td { border: 1px solid #8c8c8c; padding: 0.2rem 0.35rem; text-align: left; vertical-align: top; }
th { background: #e8e8ec; }
td.num, th.num { text-align: right; white-space: nowrap; }
p.item { margin: 0.7rem 0 0.2rem; }
hr.page-break { border: 0; border-top: 1px dashed #c9c9cf; margin: 2rem 0; }
@page { size: A4; margin: 18mm 15mm; }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 10pt; }
  hr.page-break { border: 0; margin: 0; break-after: page; page-break-after: always; }
  .cover { padding-top: 35%; }
  h2, h3, h4, h5 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
]]

local function html_inline(value)
  if type(value) ~= "table" then return html.escape(value or "") end
  local parts = {}
  for i, piece in ipairs(value) do
    if type(piece) == "table" then
      parts[i] = html.render(piece.bold and "<strong>{{t}}</strong>" or "<em>{{t}}</em>",
                             {t = piece.text or ""})
    else
      parts[i] = piece
    end
  end
  return html.join(parts)
end

local function inline_value(value)
  local v = html_inline(value)
  return html.is_safe(v) and v or html.raw(v)
end

local function html_table(block)
  local out = {}
  local total = 0
  for _, w in ipairs(block.widths or {}) do total = total + w end
  if total > 0 then
    out[#out + 1] = "<colgroup>"
    for _, w in ipairs(block.widths) do
      out[#out + 1] = string.format('<col style="width:%d%%">', math.floor(w * 100 / total))
    end
    out[#out + 1] = "</colgroup>"
  end
  local align = block.align or {}
  local function row(cells, tag)
    local parts = {}
    for i, cell in ipairs(cells) do
      local open = align[i] == "right" and "<" .. tag .. ' class="num">' or "<" .. tag .. ">"
      parts[i] = html.render(open .. "{{c}}</" .. tag .. ">", {c = inline_value(cell)})
    end
    return html.render("<tr>{{cells}}</tr>", {cells = html.join(parts)})
  end
  if block.head then out[#out + 1] = "<thead>" .. row(block.head, "th").text .. "</thead>" end
  local rows = {}
  for i, cells in ipairs(block.rows or {}) do rows[i] = row(cells, "td") end
  out[#out + 1] = "<tbody>" .. html.join(rows, "\n").text .. "</tbody>"
  return html.raw("<table>" .. table.concat(out) .. "</table>")
end

local function html_document(doc)
  local out = {}
  local in_cover = true
  out[1] = html.raw('<header class="cover">')
  for _, block in ipairs(doc.blocks) do
    local kind = block.type
    local text = block.text and inline_value(block.text)
    if kind == "title" then out[#out + 1] = html.render("<h1>{{t}}</h1>", {t = text})
    elseif kind == "subtitle" then out[#out + 1] = html.render('<p class="subtitle">{{t}}</p>', {t = text})
    elseif kind == "heading" then
      local tag = "h" .. math.min(6, (math.tointeger(block.level) or 1) + 1)
      out[#out + 1] = html.render("<" .. tag .. ">{{t}}</" .. tag .. ">", {t = text})
    elseif kind == "paragraph" then
      out[#out + 1] = html.render('<p class="{{c}}">{{t}}</p>', {c = block.style or "", t = text})
    elseif kind == "list" then
      local items = {}
      for i, item in ipairs(block.items) do
        items[i] = html.render("<li>{{t}}</li>", {t = inline_value(item)})
      end
      out[#out + 1] = html.render("<ul>\n{{items}}\n</ul>", {items = html.join(items, "\n")})
    elseif kind == "table" then out[#out + 1] = html_table(block)
    elseif kind == "page_break" then
      if in_cover then
        in_cover = false
        out[#out + 1] = html.raw("</header>")
      end
      out[#out + 1] = html.raw('<hr class="page-break">')
    end
  end
  if in_cover then out[#out + 1] = html.raw("</header>") end
  return html.page{title = doc.title, css = CSS,
                   body = html.render("<main>\n{{b}}\n</main>", {b = html.join(out, "\n")})}
end

-- ------------------------------------------------------------------ the report

jalon.report(NAME, function(ctx, words)
  local opts = parse_args(words or {}, ctx.output)
  local p = period_of(opts)
  local e = gather(p)
  local d = doc_builder()
  cover(d, e)
  synthesis(d, e)
  by_objective(d, e)
  who(d, e)
  indicators(d, e)
  plan_changes(d, e)
  synergies(d, e)
  annex(d, e)
  local doc = {title = "Évaluation du PST — " .. (e.plan.organisation or ""),
               subject = "Période évaluée : " .. period_words(p), blocks = d.blocks,
               footer = (e.plan.organisation or "") .. " — évaluation du PST"}
  if opts.format == "odt" then return odt.document(doc) end
  if opts.format == "html" then return html_document(doc) end
  return markdown.document(doc)
end)
