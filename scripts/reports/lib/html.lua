-- SPDX-License-Identifier: MIT
-- HTML (and XML) built safely: every value put in a template is escaped unless it is
-- itself HTML made by this module, so a title such as « <script> » or « R&D » is shown
-- as written and never read as markup.
--
--   local html = require "lib.html"
--   local row = html.render("<tr><td>{{name}}</td><td>{{bar}}</td></tr>",
--                           {name = item.title, bar = html.render(...)})
--   html.page{title = "Tableau de bord", css = CSS, body = html.join(rows)}

local html = {}

local Safe = {}
Safe.__index = Safe
Safe.__tostring = function(s) return s.text end

local ESCAPES = {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
                 ["'"] = "&#39;"}

-- The text with & < > " ' escaped (also right for XML attributes and text).
function html.escape(text)
  return (tostring(text):gsub("[&<>\"']", ESCAPES))
end

-- Marks text as markup already: only for constants of the report itself.
function html.raw(text)
  return setmetatable({text = text}, Safe)
end

function html.is_safe(v)
  return getmetatable(v) == Safe
end

-- A value as markup: HTML of this module as it is, nil as nothing, anything else escaped.
local function markup(v)
  if v == nil then return "" end
  if getmetatable(v) == Safe then return v.text end
  return html.escape(v)
end
html.markup = markup

-- Fills {{name}} in the template from values. A name without a value is an error (a
-- typo must not print nothing): give "" for an empty one.
function html.render(template, values)
  local out = template:gsub("{{([%w_]+)}}", function(name)
    local v = values[name]
    if v == nil then error("modèle : pas de valeur pour « " .. name .. " »", 3) end
    return markup(v)
  end)
  return setmetatable({text = out}, Safe)
end

-- The elements (HTML of this module, or text to escape) one after the other.
function html.join(list, sep)
  local parts = {}
  for i, v in ipairs(list) do parts[i] = markup(v) end
  return setmetatable({text = table.concat(parts, sep and markup(sep) or "")}, Safe)
end

-- A whole page: one self-contained document (no network, no script: the Content
-- Security Policy forbids both), French, readable on a phone.
function html.page(p)
  return table.concat{
    '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n',
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; ',
    'style-src \'unsafe-inline\'; img-src data:">\n',
    '<title>', html.escape(p.title), '</title>\n',
    '<style>\n', p.css or "", '\n</style>\n</head>\n<body>\n',
    markup(p.body), '\n</body>\n</html>\n'}
end

return html
