-- jalon report evaluation --since DATE [--until DATE] [--format html|md|odt] [-o FICHIER]
-- jalon report evaluation --between ÉTIQUETTE1 ÉTIQUETTE2 …
--
-- Le rapport d'évaluation du PST (à mi-législature, en fin de législature) : ce qui a
-- changé pendant la période, d'après l'historique. Une date AAAA-MM-JJ est un jour
-- entier (--since l'inclut, --until aussi), @SECONDES un instant, une étiquette
-- (« pst-adopte ») l'état marqué par « jalon tag ». Le format suit l'extension du
-- fichier -o (.html, .md, .odt), sinon --format, sinon Markdown.
--
-- Sources : jalon.diff (les enregistrements changés), jalon.log (chaque changement,
-- sa date et son auteur), jalon.at (l'état aux deux bornes des éléments changés),
-- jalon.plan (l'arbre et l'avancement à la fin). L'annexe liste chaque changement de la
-- période, ni plus ni moins.

local args = require "lib.args"
local html = require "lib.html"
local fr = require "lib.fr"
local odt = require "lib.odt"
local markdown = require "lib.markdown"

local NAME = "evaluation"
local CAP = 30 -- éléments par liste, puis « … et N autres »
local STATUSES = {"à lancer", "en cours", "terminé", "reporté", "abandonné"}
local STATUS_PROGRESS = {["à lancer"] = 0, ["en cours"] = 50, ["terminé"] = 100, ["reporté"] = 0}
local KIND_WORD = {os = "Objectif stratégique", oo = "Objectif opérationnel", action = "Action",
                   task = "Tâche"}
local KIND_ORDER = {os = 1, oo = 2, action = 3, task = 4}
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

local function kind_of(id)
  return id:match("^(%a+)%-%d+$") or id
end

local function id_number(id)
  return tonumber(id:match("%-(%d+)$")) or 0
end

local function is_item(state)
  return state.kind == "action" or state.kind == "task"
end

local function more(n, what, annex)
  return string.format("… et %s%s.", fr.count(n, what .. " de plus", what .. "s de plus"),
                       annex and " (voir l’annexe)" or "")
end

-- Unix time of a UTC day's first second.
local function day_start(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return (era * 146097 + doe - 719468) * 86400
end

local function clock(t)
  return os.date("!%H:%M", t)
end

-- « 23 novembre 2026, 14:22:05 UTC »
local function instant_words(t)
  return fr.date(fr.iso_day(t)) .. ", " .. os.date("!%H:%M:%S", t) .. " UTC"
end

-- ------------------------------------------------------------------ the period

-- Is the tag's commit at or before m? jalon.diff(tag, "@m") is refused exactly when it
-- is not, and costs nothing more than the records changed between the two.
local function tag_by(tag, m)
  return (pcall(jalon.diff, tag, "@" .. m))
end

-- The time of a tag's commit (no Lua call gives it directly): a binary search below
-- ceiling (known to be at or after it). after is jalon.diff(tag, "@ceiling"): the history
-- of its first record brackets the tag between two of its commits, so that every probe
-- spans a stretch of time without commits and costs nothing.
local function tag_time(tag, after, ceiling)
  local lo, hi = -1, ceiling
  local first = after[1] and after[1].changes[1] and after[1].changes[1].record
  if first then
    local ok, history = pcall(jalon.history, first)
    local times = {}
    for i, h in ipairs(ok and history or {}) do times[i] = h.time end
    table.sort(times)
    for _, t in ipairs(times) do
      if t - 1 >= hi then break end
      if tag_by(tag, t - 1) then
        hi = t - 1
        break
      end
      lo = math.max(lo, t - 1)
    end
  end
  while hi - lo > 1 do
    local mid = (lo + hi) // 2
    if tag_by(tag, mid) then hi = mid else lo = mid end
  end
  return hi
end

-- A bound of the period: {time (Unix, since excluded, until included), kind, text}.
local function bound(text, option, is_since)
  if text == nil or text == "" or text:sub(1, 2) == "--" then
    fail("%s attend une date AAAA-MM-JJ, @SECONDES ou une étiquette de l’historique", option)
  end
  local y, m, d = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y then
    if not args.valid_day(text) then fail("%s : « %s » n’est pas une date valide", option, text) end
    y, m, d = tonumber(y), tonumber(m), tonumber(d)
    local start = day_start(y, m, d)
    return {time = is_since and start - 1 or start + 86399, kind = "date", text = text}
  end
  local seconds = text:match("^@(%-?%d+)$")
  if seconds then
    local time = math.tointeger(tonumber(seconds))
    if not time then fail("%s : « %s » n’est pas un instant valide", option, text) end
    return {time = time, kind = "time", text = text}
  end
  if not pcall(jalon.diff, text, text) then
    fail("%s attend une date AAAA-MM-JJ, @SECONDES ou une étiquette de l’historique, pas « %s »",
         option, text)
  end
  return {kind = "tag", text = text} -- its time: resolve(), once the diffs are known
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

-- The period: its bounds as Unix times, with the diff of the period (net) and, when
-- the plan changed after it, the diff from its end to now (later).
local function period_of(opts)
  local since, until_
  if opts.between then
    since = bound(opts.between[1], "--between", true)
    until_ = bound(opts.between[2], "--between", false)
  else
    since = bound(opts.since, "--since", true)
    if opts.until_ then until_ = bound(opts.until_, "--until", false)
    else until_ = {time = os.time(), kind = "now"} end
  end
  local now = os.time()
  local p = {since = since, until_ = until_, now = now}
  local ceiling = now + 86400
  if until_.kind == "tag" then
    if not tag_by(until_.text, ceiling) then ceiling = 1 << 40 end
    p.later = jalon.diff(until_.text, "@" .. ceiling)
    until_.time = tag_time(until_.text, p.later, ceiling)
  end
  local ok, net = pcall(jalon.diff, since.kind == "tag" and since.text or "@" .. since.time,
                        "@" .. until_.time)
  if since.kind == "tag" and ok then since.time = tag_time(since.text, net, until_.time) end
  if not ok or until_.time < since.time then
    if since.kind == "tag" and not since.time then since.time = tag_time(since.text, {}, ceiling) end
    fail("la fin de la période (%s) précède son début (%s)", until_words(until_),
         since_words(since))
  end
  p.net = net
  p.first_day, p.last_day = fr.iso_day(since.time + 1), fr.iso_day(until_.time)
  return p
end

-- ------------------------------------------------------------------ states of the plan

-- Plan order among siblings: position, then kind, then id (a number to sort by).
local function keyed(state)
  state.key = ((state.position or 0) * 8 + (KIND_ORDER[state.kind] or 7)) * 16777216 +
              id_number(state.id)
  return state
end

-- What the report needs of an item (id, kind, label, title, status, progress, weight,
-- draft, parents = {{id, share}}, position, key, synergy, volet, due_end, planned_end,
-- indicators): a node of jalon.plan has it all but parents, a record of jalon.at is read.
local function state_of_record(rec)
  if not rec or not KIND_ORDER[rec.kind] then return nil end
  local parents = {}
  for i, p in ipairs(rec.parents or {}) do parents[i] = {id = p.id, share = p.share or 100} end
  return keyed{id = rec.id, kind = rec.kind, label = rec.label or "", title = rec.title or "",
               status = rec.status, progress = math.tointeger(rec.progress),
               weight = rec.weight or 1, draft = rec.draft == true, parents = parents,
               position = rec.position or 0, synergy = rec.synergy == true, volet = rec.volet,
               due_end = rec.deadline and rec.deadline["end"], planned_end = rec.planned_end,
               indicators = rec.indicators and #rec.indicators or 0, record = rec}
end

-- The last day an échéance or a planned end text names (its "(du … au …)" part).
local function last_day(text)
  local last
  for day in tostring(text or ""):gmatch("%d%d%d%d%-%d%d%-%d%d") do
    if not last or day > last then last = day end
  end
  return last
end

-- "oo-3" or "oo-2 60 %, oo-3 40 %" (a change's text) as parents; nil when unreadable.
local function parents_of_text(text)
  local parents = {}
  if text == "" then return parents end
  for part in (text .. ","):gmatch("%s*([^,]+),") do
    local id, share = part:match("^(%a+%-%d+)%s*(%d*)")
    if not id then return nil end
    parents[#parents + 1] = {id = id, share = tonumber(share) or 100}
  end
  return parents
end

-- How a state's field reads back from the "before" text of a change (nil: it cannot).
local UNDO = {
  status = function(s, v) s.status = v ~= "" and v or nil; return v ~= "" end,
  title = function(s, v) s.title = v; return true end,
  label = function(s, v) s.label = v; return true end,
  volet = function(s, v) s.volet = v ~= "" and v or nil; return true end,
  synergy = function(s, v) s.synergy = v == "oui"; return true end,
  draft = function(s, v) s.draft = v == "oui"; return true end,
  progress = function(s, v) s.progress = math.tointeger(tonumber(v)); return true end,
  weight = function(s, v) s.weight = math.tointeger(tonumber(v)); return s.weight ~= nil end,
  position = function(s, v) s.position = math.tointeger(tonumber(v)); return s.position ~= nil end,
  planned_end = function(s, v) s.planned_end = last_day(v); return true end,
  deadline = function(s, v) s.due_end = last_day(v); return true end,
  parents = function(s, v) s.parents = parents_of_text(v); return s.parents ~= nil end,
}

-- An item's state at the start of the period: its state at the end with the period's
-- changes undone, or nil when a change cannot be read back (jalon.at then tells).
local function undo(state, changes)
  local s = {}
  for k, v in pairs(state) do s[k] = v end
  s.record = nil
  for _, c in ipairs(changes) do
    local field = UNDO[c.field]
    if field and not field(s, c.before) then return nil end
  end
  return keyed(s)
end

-- The record as it was at time t (nil when it did not exist), only when it is that
-- record (jalon.at also reads labels).
local function record_at(id, t)
  local ok, rec = pcall(jalon.at, id, "@" .. t)
  if ok and rec and rec.id == id then return rec end
  return nil
end

-- The states of today's plan: jalon.plan's own nodes, given their parents (with the
-- shares of the items under several parents) and their key.
local function current_states(plan)
  local parents_of, single = {}, {}
  for id, node in pairs(plan.items) do
    for _, child in ipairs(node.children or {}) do
      local list = parents_of[child.id]
      if not list then
        list = {}
        parents_of[child.id] = list
      end
      list[#list + 1] = id
    end
  end
  for id, node in pairs(plan.items) do
    local list = parents_of[id]
    if not list then
      node.parents = {}
    elseif #list == 1 then -- one shared (read-only) list per parent
      local parents = single[list[1]]
      if not parents then
        parents = {{id = list[1], share = 100}}
        single[list[1]] = parents
      end
      node.parents = parents
    else
      local rec = jalon.get(id)
      local parents = {}
      for i, p in ipairs(rec and rec.parents or {}) do parents[i] = {id = p.id, share = p.share} end
      node.parents = parents
    end
    node.label, node.title, node.weight = node.label or "", node.title or "", node.weight or 1
    keyed(node)
  end
  return plan.items
end

local function copy(map)
  local out = {}
  for k, v in pairs(map) do out[k] = v end
  return out
end

-- Children of each item in plan order ({id, share, key}), and the OS in plan order.
local function tree_of(states)
  local children, roots = {}, {}
  for id, s in pairs(states) do
    if s.kind == "os" then roots[#roots + 1] = {id = id, key = s.key} end
    for _, p in ipairs(s.parents) do
      local list = children[p.id]
      if not list then
        list = {}
        children[p.id] = list
      end
      list[#list + 1] = {id = id, share = p.share or 100, key = s.key}
    end
  end
  local function before(a, b) return a.key < b.key end
  for _, list in pairs(children) do table.sort(list, before) end
  table.sort(roots, before)
  for i, edge in ipairs(roots) do roots[i] = edge.id end
  return {children = children, roots = roots}
end

-- The items a report shows: reached from an OS through items that are not drafts.
local function visible_of(states, tree)
  local seen = {}
  local function walk(id, depth)
    local s = states[id]
    if seen[id] or not s or s.draft or depth > 8 then return end
    seen[id] = true
    for _, edge in ipairs(tree.children[id] or {}) do walk(edge.id, depth + 1) end
  end
  for _, id in ipairs(tree.roots) do walk(id, 0) end
  return seen
end

-- The progress roll-up of docs/progress.md (its default rules) on a set of states:
-- value[id] (unrounded, false when nothing to measure) and the plan's and volets'.
local function roll_up(states, tree)
  local value = {}
  local function value_of(id, depth)
    local known = value[id]
    if known ~= nil then return known or nil end
    value[id] = false
    local s = states[id]
    if not s or s.draft or (is_item(s) and s.status == "abandonné") or depth > 8 then return nil end
    local sum, weights = 0, 0
    for _, edge in ipairs(tree.children[id] or {}) do
      local v = value_of(edge.id, depth + 1)
      local w = math.max(states[edge.id].weight or 1, 0) * (edge.share or 100) / 100
      if w > 0 and v then
        sum = sum + w * v
        weights = weights + w
      end
    end
    local own = s.progress
    if own == nil then
      if weights > 0 then own = sum / weights
      elseif is_item(s) then own = STATUS_PROGRESS[s.status] end
    end
    value[id] = own or false
    return own
  end
  local totals = {plan = {0, 0}, externe = {0, 0}, interne = {0, 0}}
  for _, id in ipairs(tree.roots) do
    local v, w = value_of(id, 0), math.max(states[id].weight or 1, 0)
    if v and w > 0 then
      for _, key in ipairs{"plan", states[id].volet} do
        local t = totals[key]
        if t then
          t[1] = t[1] + w * v
          t[2] = t[2] + w
        end
      end
    end
  end
  local measure = {}
  for key, t in pairs(totals) do
    if t[2] > 0 then measure[key] = math.floor(t[1] / t[2] + 0.5) end
  end
  local function rounded(id)
    local v = value_of(id, 0)
    return v and math.floor(v + 0.5) or nil
  end
  return {measure = measure, progress = rounded}
end

-- Actions and tasks by status, each once.
local function status_counts(states, visible)
  local counts = {action = {}, task = {}}
  for id in pairs(visible) do
    local s = states[id]
    local c = counts[s.kind]
    if c then c[s.status] = (c[s.status] or 0) + 1 end
  end
  return counts
end

-- ------------------------------------------------------------------ the changes

local function is_creation(c)
  return c.field == "title" and c.before == "" and c.after ~= ""
end

local function is_removal(c)
  return c.field == "title" and c.after == "" and c.before ~= ""
end

local BULK = 25 -- a commit creating more records is an import: one line in the annex

-- "titre : … ; parent : …" for a creation (after) or a removal (before).
local function summary(changes, side)
  local parts, fields = {}, {}
  for _, c in ipairs(changes) do
    if c[side] ~= "" then
      parts[#parts + 1] = c.label .. " : " .. c[side]
      fields[c.field] = c[side]
    end
  end
  return table.concat(parts, " ; "), fields
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
  for _, c in ipairs(mine) do
    if is_creation(c) or is_removal(c) then
      local creation = is_creation(c)
      local text, fields = summary(mine, creation and "after" or "before")
      row{name = c.name, field = creation and "creation" or "removal",
          label = creation and "ajout" or "retrait", before = creation and "" or text,
          after = creation and text or "", fields = fields}
      return #mine
    end
  end
  for _, c in ipairs(mine) do
    row{name = c.name, field = c.field, label = c.label, before = c.before, after = c.after}
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
  local rows, records = {}, {}
  for rank, entry in ipairs(p.net) do
    local id = entry.changes[1] and entry.changes[1].record
    if id and not records[id] then
      records[id] = {id = id, rank = rank, net = entry}
      records[#records + 1] = id
    end
  end
  local log = jalon.log("@" .. p.since.time, "@" .. p.until_.time)
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
          local rank = records[c.record] and records[c.record].rank or #p.net + 1
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

-- "later" when an échéance or a planned end moved to a later day.
local function deadline_move(c)
  if c.field ~= "deadline" and c.field ~= "planned_end" then return nil end
  local before, after = last_day(c.before), last_day(c.after)
  if not before or not after then return nil end
  if after > before then return "later" elseif after < before then return "earlier" end
  return nil
end

-- ------------------------------------------------------------------ names

local function display(state)
  if not state then return "" end
  if state.label ~= "" then return state.label .. " — " .. state.title end
  return state.title
end

local function short_name(state)
  if state.label ~= "" then return state.label end
  return (KIND_WORD[state.kind] or "") .. " « " .. truncate(state.title, 50) .. " »"
end

-- ------------------------------------------------------------------ the evaluation

-- An item's state at time t, before the changes of a diff entry (state: after them):
-- nil when the entry creates it, else those changes undone, else jalon.at.
local function state_before(state, entry, id, t)
  for _, c in ipairs(entry.changes) do
    if is_creation(c) then return nil end
  end
  return state and undo(state, entry.changes) or state_of_record(record_at(id, t))
end

local function gather(p)
  local plan = jalon.plan(p.last_day)
  local now_states = current_states(plan)
  local ends = now_states
  if p.until_.kind ~= "now" and p.until_.time < p.now then
    -- changes after the period: those records as they were at its end
    local later = p.later or jalon.diff("@" .. p.until_.time, "@" .. (p.now + 86400))
    for _, entry in ipairs(later) do
      local id = entry.changes[1] and entry.changes[1].record
      if id and KIND_ORDER[kind_of(id)] then
        if ends == now_states then ends = copy(now_states) end
        ends[id] = state_before(now_states[id], entry, id, p.until_.time)
      end
    end
  end
  local changes, records = load_changes(p)
  local starts = copy(ends)
  for _, id in ipairs(records) do
    if KIND_ORDER[kind_of(id)] then
      starts[id] = state_before(ends[id], records[id].net, id, p.since.time)
    end
  end
  local e = {plan = plan, period = p, changes = changes, records = records,
             events = events_of(changes), starts = starts, ends = ends}
  e.end_tree, e.start_tree = tree_of(ends), tree_of(starts)
  e.end_visible, e.start_visible = visible_of(ends, e.end_tree), visible_of(starts, e.start_tree)
  e.end_measure = roll_up(ends, e.end_tree)
  e.start_measure = roll_up(starts, e.start_tree)
  e.end_exact = ends == now_states
  if e.end_exact then -- today's figures: jalon.plan's own (and a script's rules)
    local own = {plan = plan.measure.progress, externe = plan.volets.externe.progress,
                 interne = plan.volets.interne.progress}
    for key, v in pairs(own) do
      if e.end_measure.measure[key] ~= v then e.own_rules = true end
    end
    e.end_measure.measure = own
  end
  return e
end

-- The state to name an item by: at the end, else (removed) at the start.
local function state(e, id)
  return e.ends[id] or e.starts[id]
end

local function shown(e, id)
  return e.end_visible[id] or (not e.ends[id] and e.start_visible[id])
end

local function name_of_id(e, id)
  local s = state(e, id)
  return s and short_name(s) or id
end

local function value_words(text)
  if text == nil or text == "" then return "(vide)" end
  text = text:gsub(" %(du %d%d%d%d%-%d%d%-%d%d au %d%d%d%d%-%d%d%-%d%d%)$", "")
  return "« " .. truncate(text, 120) .. " »"
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
    local status = first.fields.status
    return "Ajouté au plan" .. (status and ", statut « " .. status .. " »" or "") .. stamp(steps[1])
  elseif g.field == "removal" then
    return "Retiré du plan" .. stamp(steps[#steps])
  end
  local words = value_words
  local head
  if g.field == "progress" then
    head = "Avancement : "
    words = function(v) return v == "" and "(non saisi)" or fr.percent(tonumber(v) or v) end
  elseif g.field == "status" then head = "Statut : "
  elseif g.field == "title" then head = "Titre reformulé : "
  elseif g.field == "parents" then
    head = "Déplacé : "
    words = function(v)
      return v == "" and "(aucun)" or (v:gsub("(%a+%-%d+)", function(id) return name_of_id(e, id) end))
    end
  else
    local move = deadline_move{field = g.field, before = first.before, after = last.after}
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
  parts[2] = words(first.before)
  for i, step in ipairs(steps) do
    if i > STEPS and i < #steps then
      if i == STEPS + 1 then parts[#parts + 1] = " → …" end
    else
      parts[#parts + 1] = " → " .. words(step.c.after) .. stamp(step)
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

-- What each action and task went through, by kind, for the synthesis.
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
      local status = c.field == "creation" and c.fields.status
                     or c.field == "status" and c.after ~= c.before and c.after
      if status and sets[status] then mark(status, c.id) end
      if deadline_move(c) == "later" then mark("reporté", c.id) end
    end
  end
  for _, id in ipairs(e.records) do
    local before = e.starts[id] and e.start_visible[id]
    local after = e.ends[id] and e.end_visible[id]
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
  local s, t = e.start_measure.measure, e.end_measure.measure
  local prows = {}
  for _, key in ipairs{"plan", "externe", "interne"} do
    if key == "plan" or s[key] or t[key] then
      prows[#prows + 1] = {key == "plan" and "Plan entier" or "Volet " .. key, fr.percent(s[key]),
                           fr.percent(t[key]), percent_change(s[key], t[key])}
    end
  end
  d.table({"", "Début de la période", "Fin de la période", "Évolution"}, prows, {2, 1, 1, 1}, RIGHT)
  d.p("L’avancement au début de la période est recalculé à partir de l’état de chaque élément " ..
      "à cette date, selon les règles par défaut de Jalon (statuts, avancements saisis, poids). " ..
      (e.end_exact and "Celui de la fin est l’avancement du plan calculé par Jalon."
       or "Celui de la fin l’est aussi, le plan ayant changé depuis.") ..
      (e.own_rules and " Ce plan calcule son avancement avec ses propres règles : le chiffre " ..
       "du début n’est donc qu’indicatif." or ""), "note")

  local counts = {start = status_counts(e.starts, e.start_visible),
                  finish = status_counts(e.ends, e.end_visible)}
  local has_tasks = next(counts.start.task) or next(counts.finish.task)
  local srows = {}
  for i, status in ipairs(STATUSES) do
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

-- The union of the two trees: today's items where they are, removed ones where they were.
local function union_children(e, id)
  local out, seen = {}, {}
  for _, edge in ipairs(e.end_tree.children[id] or {}) do
    seen[edge.id] = true
    out[#out + 1] = edge.id
  end
  for _, edge in ipairs(e.start_tree.children[id] or {}) do
    if not seen[edge.id] and not e.ends[edge.id] then out[#out + 1] = edge.id end
  end
  return out
end

local function progress_words(e, id)
  local a, b = e.start_measure.progress(id), e.end_measure.progress(id)
  if not e.starts[id] then return "ajouté pendant la période ; avancement à la fin : " .. fr.percent(b) end
  if not e.ends[id] then return "retiré pendant la période ; avancement au début : " .. fr.percent(a) end
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
    local under = is.kind == "task" and is.parents[1] and " — sous " .. name_of_id(e, is.parents[1].id) or ""
    d.p({bold((is.kind == "task" and "Tâche : " or "") .. display(is)), under,
         " (" .. (e.ends[item] and is.status or "retiré") .. ")"}, "item")
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
  for _, tree in ipairs{e.end_tree, e.start_tree} do
    for _, id in ipairs(tree.roots) do
      if not seen[id] and shown(e, id) then
        seen[id] = true
        roots[#roots + 1] = id
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
  local ids = {}
  local function walk(id, depth, seen)
    for _, edge in ipairs(e.end_tree.children[id] or {}) do
      if not seen[edge.id] and e.end_visible[edge.id] and depth < 8 then
        seen[edge.id] = true
        if (e.ends[edge.id].indicators or 0) > 0 then ids[#ids + 1] = edge.id end
        walk(edge.id, depth + 1, seen)
      end
    end
  end
  local seen = {}
  for _, id in ipairs(e.end_tree.roots) do
    if e.end_visible[id] then
      seen[id] = true
      if (e.ends[id].indicators or 0) > 0 then ids[#ids + 1] = id end
      walk(id, 0, seen)
    end
  end
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
    local s = e.ends[id]
    local rec = s.record or jalon.get(id)
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

local function parents_words(e, s)
  local names = {}
  for i, p in ipairs(s.parents or {}) do names[i] = name_of_id(e, p.id) end
  return #names > 0 and table.concat(names, ", ") or "—"
end

local function plan_changes(d, e)
  d.h(1, "Modifications du plan")
  local reworded, added, removed, moved = {}, {}, {}, {}
  local ids = {}
  for _, id in ipairs(e.records) do
    if KIND_ORDER[kind_of(id)] then ids[#ids + 1] = id end
  end
  table.sort(ids, function(a, b)
    local ka, kb = KIND_ORDER[kind_of(a)], KIND_ORDER[kind_of(b)]
    if ka ~= kb then return ka < kb end
    return id_number(a) < id_number(b)
  end)
  for _, id in ipairs(ids) do
    local a = e.start_visible[id] and e.starts[id]
    local b = e.end_visible[id] and e.ends[id]
    local word = KIND_WORD[kind_of(id)]
    if a and b then
      if a.title ~= b.title then
        reworded[#reworded + 1] = {bold(a.label ~= "" and a.label or word), " : « " .. a.title ..
                                   " » → « " .. b.title .. " »"}
      end
      local pa, pb = parents_words(e, a), parents_words(e, b)
      if pa ~= pb then
        moved[#moved + 1] = {bold(short_name(b)), " : de " .. pa .. " à " .. pb}
      end
      if a.volet ~= b.volet and a.kind == "os" then
        moved[#moved + 1] = {bold(short_name(b)), " : du volet " .. tostring(a.volet) ..
                             " au volet " .. tostring(b.volet)}
      end
    elseif b then
      added[#added + 1] = {bold(word), " " .. display(b) ..
                           (b.kind ~= "os" and " (sous " .. parents_words(e, b) .. ")" or "") ..
                           (e.starts[id] and " — sorti des brouillons" or "")}
    elseif a then
      removed[#removed + 1] = {bold(word), " " .. display(a) ..
                               (a.kind ~= "os" and " (sous " .. parents_words(e, a) .. ")" or "") ..
                               (e.ends[id] and " — passé en brouillon" or "")}
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
                   or capitalize(c.label) .. " : " .. value_words(c.before) .. " → " .. value_words(c.after)
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
    local a, b = e.starts[id], e.ends[id]
    if shown(e, id) and ((a and a.synergy) or (b and b.synergy)) then ids[#ids + 1] = id end
  end
  for id in pairs(e.end_visible) do consider(id) end
  for _, id in ipairs(e.records) do consider(id) end
  if #ids == 0 then
    d.p("Aucun élément du plan n’est marqué « synergie » avec la commune : l’évaluation " ..
        "ne relève donc aucune synergie à examiner pour cette période.")
    return
  end
  table.sort(ids, function(x, y)
    local sx, sy = state(e, x), state(e, y)
    if sx.kind ~= sy.kind then return KIND_ORDER[sx.kind] < KIND_ORDER[sy.kind] end
    return id_number(x) < id_number(y)
  end)
  d.p("Les éléments marqués « synergie » (menés avec la commune), leur état à la fin de la " ..
      "période et ce qui a changé pour eux.", "note")
  local rows = {}
  for i, id in ipairs(ids) do
    if i > CAP * 2 then break end
    local b = e.ends[id]
    local s = state(e, id)
    local state_words
    if not b then state_words = "retiré du plan"
    elseif not b.synergy then state_words = b.status .. " ; n’est plus marqué « synergie »"
    else state_words = b.status end
    local lines = item_lines(e, id)
    rows[#rows + 1] = {(KIND_WORD[s.kind] or "") .. " : " .. display(s), state_words,
                       fr.percent(e.end_measure.progress(id)),
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
