-- SPDX-License-Identifier: MIT
-- Markdown (CommonMark with pipe tables) from the document model of lib/odt.lua:
-- {title =, blocks = {{type = "heading", level =, text =}, …}}. Every text is escaped, so
-- that a title such as « <script> », « R&D » or « *urgent* » reads as written and never
-- turns into markup.
--
--   local markdown = require "lib.markdown"
--   local text = markdown.document(doc)

local markdown = {}

-- Characters that mean something anywhere in a line: backslash-escaped (CommonMark
-- lets any ASCII punctuation be escaped, and shows it as itself).
local INLINE = "[\\`*_%[%]<>|&~!]"

-- Text on one line with its special characters escaped.
function markdown.escape(text)
  text = tostring(text):gsub("[%z\1-\31\127]+", " ")
  return (text:gsub(INLINE, "\\%0"))
end

-- What would start a heading, a list, a quote or a rule at the beginning of a line.
local function escape_start(s)
  if s:match("^[#+=>-]") then return "\\" .. s end
  local digits, rest = s:match("^(%d+)([.)].*)$")
  if digits then return digits .. "\\" .. rest end
  return s
end

-- An INLINE of the model (string, or list of strings and {text =, bold|italic = true}).
local function inline(value)
  if value == nil then return "" end
  if type(value) ~= "table" then return markdown.escape(value) end
  local out = {}
  for i, piece in ipairs(value) do
    if type(piece) == "table" then
      local text = markdown.escape(piece.text or "")
      local lead, body, trail = text:match("^(%s*)(.-)(%s*)$")
      local mark = piece.bold and "**" or piece.italic and "*" or ""
      out[i] = body == "" and text or (lead .. mark .. body .. mark .. trail)
    else
      out[i] = markdown.escape(piece)
    end
  end
  return table.concat(out)
end
markdown.inline = inline

local function line(value)
  return escape_start(inline(value))
end

local function cell(value)
  local s = inline(value)
  return s == "" and " " or s
end

local function tabular(out, block)
  local head, rows = block.head or {}, block.rows or {}
  local columns = #head
  for _, row in ipairs(rows) do columns = math.max(columns, #row) end
  if columns == 0 then return end
  local function row(cells)
    local parts = {}
    for c = 1, columns do parts[c] = cell(cells[c]) end
    out[#out + 1] = "| " .. table.concat(parts, " | ") .. " |\n"
  end
  row(head)
  local rule = {}
  for c = 1, columns do rule[c] = (block.align or {})[c] == "right" and " ---: |" or " --- |" end
  out[#out + 1] = "|" .. table.concat(rule) .. "\n"
  for _, cells in ipairs(rows) do row(cells) end
  out[#out + 1] = "\n"
end

-- The whole document as Markdown text.
function markdown.document(doc)
  local out = {}
  for _, block in ipairs(doc.blocks or {}) do
    local kind = block.type
    if kind == "title" then out[#out + 1] = "# " .. inline(block.text) .. "\n\n"
    elseif kind == "subtitle" then out[#out + 1] = "**" .. inline(block.text) .. "**\n\n"
    elseif kind == "heading" then
      local level = math.max(1, math.min(5, math.tointeger(block.level) or 1))
      out[#out + 1] = string.rep("#", level + 1) .. " " .. inline(block.text) .. "\n\n"
    elseif kind == "paragraph" then
      local text = line(block.text)
      if block.style == "note" and text ~= "" then text = "*" .. text .. "*" end
      out[#out + 1] = text .. "\n\n"
    elseif kind == "list" then
      for _, item in ipairs(block.items or {}) do out[#out + 1] = "- " .. line(item) .. "\n" end
      out[#out + 1] = "\n"
    elseif kind == "table" then tabular(out, block)
    elseif kind == "page_break" then out[#out + 1] = "---\n\n"
    else error("markdown : bloc de type inconnu « " .. tostring(kind) .. " »", 2)
    end
  end
  return table.concat(out)
end

return markdown
