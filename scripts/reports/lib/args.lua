-- SPDX-License-Identifier: MIT
-- A report's command-line words, read the same way by every report:
--
--   local opts = args.parse("fiche", words, ctx.output, {
--     options = {["--date"] = "day", ["--all"] = "flag", ["--since"] = "text",
--                ["--between"] = 2},                  -- a number: that many words
--     formats = {"html", "md", "odt"}, aliases = {htm = "html"}, default = "md",
--     what = "la fiche",                              -- for « la fiche s'écrit en … »
--     operands = true,                                -- other words, in opts.operands
--     usage = "ACTION…, --all, --format html|md|odt, -o FICHIER"})
--
-- Options are --name value or --name=value; opts gets each under its name without the
-- dashes (opts.date, opts.all, opts.between = {a, b}). The format (opts.format) is
-- --format's, else the -o file's extension (a name without one, a pipe: the default),
-- else the default. Any mistake is an error naming the word,
-- meant for the user (error(…, 0): no traceback).

local args = {}

-- Stops the report with a message for its user.
function args.fail(report, message, ...)
  if select("#", ...) > 0 then message = string.format(message, ...) end
  error(report .. " : " .. message, 0)
end

-- Whether text is a day that exists, written AAAA-MM-JJ.
function args.valid_day(text)
  local y, m, d = tostring(text or ""):match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then return false end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  local days = {31, (y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0)) and 29 or 28, 31, 30,
                31, 30, 31, 31, 30, 31, 30, 31}
  return m >= 1 and m <= 12 and d >= 1 and d <= days[m]
end

-- "html, md ou odt" (prefix: ".")
local function alternatives(list, prefix)
  local names = {}
  for i, v in ipairs(list) do names[i] = (prefix or "") .. v end
  if #names < 2 then return names[1] or "" end
  return table.concat(names, ", ", 1, #names - 1) .. " ou " .. names[#names]
end

-- The format a name or an extension stands for, or nil.
local function format_of(spec, name)
  name = name:lower()
  for _, f in ipairs(spec.formats) do
    if f == name then return f end
  end
  return (spec.aliases or {})[name]
end

function args.parse(report, words, output, spec)
  local opts, options = {operands = {}}, spec.options or {}
  local function fail(...) args.fail(report, ...) end
  local i = 1
  while i <= #words do
    local word = words[i]
    local name, inline = word:match("^(%-%-[%w-]+)=(.*)$")
    name = name or word
    local kind = options[name] or (name == "--format" and spec.formats and "text")
    if kind == "flag" then
      if inline then fail("%s ne prend pas de valeur", name) end
      opts[name:sub(3)] = true
    elseif kind then
      local count = type(kind) == "number" and kind or 1
      local values = {}
      if inline then
        if count > 1 then fail("%s attend %d valeurs séparées par une espace", name, count) end
        values[1] = inline
      else
        for k = 1, count do
          local v = words[i + k]
          if v == nil or v:sub(1, 2) == "--" then fail("%s attend une valeur", name) end
          values[k] = v
        end
        i = i + count
      end
      if kind == "day" and not args.valid_day(values[1]) then
        fail("%s attend une date AAAA-MM-JJ, pas « %s »", name, values[1])
      end
      opts[name:sub(3)] = count > 1 and values or values[1]
    elseif spec.operands and word:sub(1, 2) ~= "--" then
      opts.operands[#opts.operands + 1] = word
    else
      fail("argument « %s » inconnu ; attendus : %s", word, spec.usage)
    end
    i = i + 1
  end
  if spec.formats then
    if opts.format then
      local format = format_of(spec, opts.format)
      if not format then
        fail("--format attend %s, pas « %s »", alternatives(spec.formats), opts.format)
      end
      opts.format = format
    elseif output and output:match("%.(%w+)$") then
      opts.format = format_of(spec, output:match("%.(%w+)$"))
      if not opts.format then
        fail("« %s » : %s s’écrit en %s (ou --format %s)", output, spec.what or "le rapport",
             alternatives(spec.formats, "."), table.concat(spec.formats, "|"))
      end
    else
      opts.format = spec.default
    end
  end
  return opts
end

return args
