-- SPDX-License-Identifier: MIT
-- An OpenDocument spreadsheet (.ods) built in memory: named sheets, a bold header row,
-- column widths and typed cells — text, numbers, amounts in euros, dates, percentages —
-- which LibreOffice and Excel read as values, not as text.
--
--   local ods = require "lib.ods"
--   local book = ods.new{title = "Actions du PST"}
--   local sheet = book:sheet("Volet externe", {{width = "2cm"}, {width = "8cm", wrap = true}})
--   sheet:header{"Numéro", "Titre", "Budget (€)", "Fin prévue", "Avancement"}
--   sheet:row{"O.O.1.1", "Former", ods.currency(1250000), ods.date("2020-01-15"), ods.percent(40)}
--   return book:bytes()
--
-- A cell is a string (text), a number (float), a boolean (« oui » / « non »), nil (empty),
-- or made by ods.float, ods.currency, ods.date, ods.percent, ods.text. Every text is
-- XML-escaped here: callers pass plain text, never markup.

local ods = {}

local fr = require "lib.fr"

local NS = table.concat({
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
  'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"',
}, " ")

local XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'

local ESCAPES = {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
                 ["'"] = "&apos;"}

-- Text for XML: escaped, without the control characters XML 1.0 forbids.
local function escape(text)
  text = tostring(text):gsub("[%z\1-\8\11\12\14-\31]", "")
  return (text:gsub("[&<>\"']", ESCAPES))
end
ods.escape = escape

-- One line of a cell's text as <text:p>: runs of spaces and tabs kept (XML would fold them).
local function paragraph(line)
  if not line:find("[%c&<>\"']") and not line:find("  ", 1, true) then -- most texts
    return "<text:p>" .. line .. "</text:p>"
  end
  line = escape(line):gsub("\t", "<text:tab/>")
  line = line:gsub("(  +)", function(spaces)
    return ' <text:s text:c="' .. (#spaces - 1) .. '"/>'
  end)
  return "<text:p>" .. line .. "</text:p>"
end

local function paragraphs(text)
  text = tostring(text):gsub("\r\n?", "\n")
  if not text:find("\n", 1, true) then return paragraph(text) end
  local out = {}
  for line in (text .. "\n"):gmatch("(.-)\n") do out[#out + 1] = paragraph(line) end
  return table.concat(out)
end

-- ------------------------------------------------------------------ typed cells

local Cell = {}

local function cell(kind, value, text)
  return setmetatable({kind = kind, value = value, text = text}, Cell)
end

-- A number: 3, 2.5.
function ods.float(n)
  if n == nil then return nil end
  local text = tostring(math.tointeger(n) or n):gsub("%.", ",")
  return cell("float", n, text)
end

-- An amount in euro cents, as a currency value (1250000 → 12500.00, shown « 12 500,00 € »).
function ods.currency(cents)
  if cents == nil then return nil end
  cents = math.tointeger(cents) or math.floor(cents + 0.5)
  local abs = math.abs(cents)
  local value = string.format("%s%d.%02d", cents < 0 and "-" or "", abs // 100, abs % 100)
  return cell("currency", value, fr.amount(cents))
end

-- A day "2020-01-15" as a date (shown 15/01/2020); anything else stays text.
function ods.date(iso)
  if iso == nil or iso == "" then return nil end
  if not tostring(iso):match("^%d%d%d%d%-%d%d%-%d%d$") then return tostring(iso) end
  return cell("date", iso, fr.short_date(iso))
end

-- A percentage given as 0..100 (42 → the value 0.42, shown « 42 % »).
function ods.percent(n)
  if n == nil then return nil end
  return cell("percentage", string.format("%.10g", n / 100), fr.percent(n))
end

-- Text, even when it looks like a number.
function ods.text(s)
  if s == nil then return nil end
  return cell("string", nil, tostring(s))
end

-- ------------------------------------------------------------------ styles

-- Data styles (fr-BE): euros « 12.500,00 € » (LibreOffice groups Belgian thousands with a
-- dot), dates 15/01/2020, « 42 % »; a narrow no-break space before € and %.
local DATA_STYLES = table.concat{
  '<number:currency-style style:name="N_EUR" number:language="fr" number:country="BE">',
  '<number:number number:decimal-places="2" number:min-decimal-places="2"',
  ' number:min-integer-digits="1" number:grouping="true"/>',
  '<number:text>\u{202F}</number:text>',
  '<number:currency-symbol number:language="fr" number:country="BE">€</number:currency-symbol>',
  '</number:currency-style>',
  '<number:date-style style:name="N_DATE" number:language="fr" number:country="BE"',
  ' number:automatic-order="false">',
  '<number:day number:style="long"/><number:text>/</number:text>',
  '<number:month number:style="long"/><number:text>/</number:text>',
  '<number:year number:style="long"/>',
  '</number:date-style>',
  '<number:percentage-style style:name="N_PCT" number:language="fr" number:country="BE">',
  '<number:number number:decimal-places="0" number:min-decimal-places="0"',
  ' number:min-integer-digits="1"/>',
  '<number:text>\u{202F}%</number:text>',
  '</number:percentage-style>',
}

local DATA_STYLE_OF = {currency = "N_EUR", date = "N_DATE", percentage = "N_PCT"}

-- The name of the cell style for a value type, wrapped or not, bold or not; the styles
-- used are remembered so that only those are written.
local function cell_style(book, kind, wrap, bold)
  local variants = book.style_names[kind]
  if not variants then
    variants = {}
    book.style_names[kind] = variants
  end
  local key = (wrap and 2 or 0) + (bold and 1 or 0)
  local name = variants[key]
  if not name then
    name = "ce" .. kind:sub(1, 3) .. (wrap and "W" or "") .. (bold and "B" or "")
    variants[key] = name
    book.cell_styles[name] = {kind = kind, wrap = wrap, bold = bold}
    book.cell_style_order[#book.cell_style_order + 1] = name
  end
  return name
end

local function cell_style_xml(name, s)
  local data = DATA_STYLE_OF[s.kind]
  local props = {'<style:table-cell-properties style:vertical-align="top"'}
  if s.wrap then props[#props + 1] = ' fo:wrap-option="wrap"' end
  if s.kind == "header" then
    props[#props + 1] = ' fo:background-color="#dde4ee" fo:border-bottom="0.5pt solid #4a5a70"'
  elseif s.bold then
    props[#props + 1] = ' fo:background-color="#f0f2f5"'
  end
  props[#props + 1] = "/>"
  local text = (s.bold or s.kind == "header") and '<style:text-properties fo:font-weight="bold"/>'
               or ""
  return table.concat{'<style:style style:name="', name, '" style:family="table-cell"',
    ' style:parent-style-name="Default"',
    data and (' style:data-style-name="' .. data .. '"') or "", ">",
    table.concat(props), text, "</style:style>"}
end

local function column_style(book, width)
  local name = book.column_styles[width]
  if not name then
    book.ncolumn_styles = book.ncolumn_styles + 1
    name = "co" .. book.ncolumn_styles
    book.column_styles[width] = name
    book.column_style_order[#book.column_style_order + 1] = width
  end
  return name
end

-- ------------------------------------------------------------------ sheets

local Sheet = {}
Sheet.__index = Sheet

local EMPTY = "<table:table-cell/>"

-- A cell's XML. A text cell whose style is its column's default style (col_style) does
-- not repeat it: that keeps a sheet of 10,000 rows small. Values always name theirs, for
-- readers that would not look at the column's.
local function cell_xml(book, v, wrap, bold, col_style)
  if v == nil or v == "" then return EMPTY end
  local t = type(v)
  if t == "boolean" then
    v, t = v and "oui" or "non", "string"
  elseif t == "number" then
    v, t = ods.float(v), "table"
  end
  if t ~= "table" or getmetatable(v) ~= Cell then
    v = cell("string", nil, tostring(v))
  end
  if v.kind == "string" and v.text == "" then return EMPTY end
  local style = cell_style(book, v.kind, v.kind == "string" and wrap, bold)
  style = (style ~= col_style or v.kind ~= "string") and ('table:style-name="' .. style .. '" ')
          or ""
  if v.kind == "string" then
    return table.concat{"<table:table-cell ", style, 'office:value-type="string">',
      paragraphs(v.text), "</table:table-cell>"}
  end
  local attr = v.kind == "date" and "office:date-value" or "office:value"
  local extra = v.kind == "currency" and ' office:currency="EUR"' or ""
  return table.concat{"<table:table-cell ", style, 'office:value-type="', v.kind, '"', extra,
    " ", attr, '="', v.value, '">', paragraph(v.text), "</table:table-cell>"}
end

-- The default cell style of each column: its kind of value, wrapped or not.
local function column_cell_styles(self)
  if not self.col_styles then
    self.col_styles = {}
    for i = 1, self.ncols do
      local spec = self.columns[i] or {}
      local kind = spec.kind or "string"
      self.col_styles[i] = cell_style(self.book, kind, kind == "string" and spec.wrap, false)
    end
  end
  return self.col_styles
end

-- n empty cells in a row, written once; shaded like the row when it is a bold one.
local function empty_cells(book, n, bold)
  local style = bold and ('table:style-name="' .. cell_style(book, "string", false, true) .. '" ')
                or ""
  if n == 1 then return bold and ("<table:table-cell " .. style .. "/>") or EMPTY end
  return "<table:table-cell " .. style .. 'table:number-columns-repeated="' .. n .. '"/>'
end

local function row_xml(self, cells, bold)
  local book, styles = self.book, column_cell_styles(self)
  local out, empty = {"<table:table-row>"}, 0
  for i = 1, self.ncols do
    local spec = self.columns[i] or {}
    local x = cell_xml(book, cells[i], spec.wrap, bold, styles[i])
    if x == EMPTY then
      empty = empty + 1
    else
      if empty > 0 then
        out[#out + 1] = empty_cells(book, empty, bold)
        empty = 0
      end
      out[#out + 1] = x
    end
  end
  if empty > 0 then out[#out + 1] = empty_cells(book, empty, bold) end
  out[#out + 1] = "</table:table-row>"
  return table.concat(out)
end

-- The header row (bold, repeated at the top of each printed page); it sets how many
-- columns the sheet has.
function Sheet:header(titles)
  self.ncols = math.max(self.ncols, #titles)
  local out, style = {"<table:table-row>"}, cell_style(self.book, "header", true, true)
  for i = 1, self.ncols do
    out[#out + 1] = titles[i] and table.concat{'<table:table-cell table:style-name="', style,
      '" office:value-type="string">', paragraphs(titles[i]), "</table:table-cell>"} or EMPTY
  end
  out[#out + 1] = "</table:table-row>"
  self.head = table.concat(out)
  return self
end

-- A row of cells (1..number of columns; nil for an empty one). bold: a bold, shaded row
-- (a heading line such as an OS).
function Sheet:row(cells, bold)
  self.rows[#self.rows + 1] = row_xml(self, cells, bold)
  return self
end

-- The sheet's name as a cell range address quotes it: 'État d''avancement'.
local function quoted_name(name)
  return "'" .. name:gsub("'", "''") .. "'"
end

-- The column letters of a column number (1 → A, 27 → AA).
local function column_letters(n)
  local s = ""
  while n > 0 do
    local r = (n - 1) % 26
    s = string.char(65 + r) .. s
    n = (n - 1) // 26
  end
  return s
end

-- The sheet's XML appended to out, its rows as they are (one concatenation in the end).
local function sheet_xml(self, out)
  local book, styles = self.book, column_cell_styles(self)
  out[#out + 1] = table.concat{'<table:table table:name="', escape(self.name),
    '" table:style-name="ta1">'}
  for i = 1, self.ncols do
    local spec = self.columns[i] or {}
    out[#out + 1] = table.concat{'<table:table-column table:style-name="',
      column_style(book, spec.width or "3cm"), '" table:default-cell-style-name="', styles[i], '"/>'}
  end
  if self.head then
    out[#out + 1] = "<table:table-header-rows>" .. self.head .. "</table:table-header-rows>"
  end
  for _, row in ipairs(self.rows) do out[#out + 1] = row end
  if not self.head and #self.rows == 0 then
    out[#out + 1] = "<table:table-row><table:table-cell/></table:table-row>"
  end
  out[#out + 1] = "</table:table>"
end

-- ------------------------------------------------------------------ the book

local Book = {}
Book.__index = Book

-- opts: title (the document's title, in meta.xml).
function ods.new(opts)
  return setmetatable({title = opts and opts.title, sheets = {}, names = {},
    cell_styles = {}, cell_style_order = {}, style_names = {}, column_styles = {}, column_style_order = {},
    ncolumn_styles = 0}, Book)
end

-- A new sheet. name: at most 31 characters, none of []*?:/\ (what Excel accepts);
-- columns: {{width = "3cm", wrap = true, kind = "currency"}, …} (kind: the column's
-- usual value — string, float, currency, date, percentage); opts.freeze: columns kept in view when
-- scrolling sideways (the header row always is).
function Book:sheet(name, columns, opts)
  name = tostring(name)
  if name == "" or utf8.len(name) == nil or utf8.len(name) > 31 or name:find("[%[%]%*%?:/\\]") then
    error("ods : nom de feuille impossible « " .. name .. " »", 2)
  end
  if self.names[name] then error("ods : deux feuilles « " .. name .. " »", 2) end
  self.names[name] = true
  local sheet = setmetatable({book = self, name = name, columns = columns or {},
    ncols = columns and #columns or 0, rows = {}, freeze = opts and opts.freeze or 0}, Sheet)
  self.sheets[#self.sheets + 1] = sheet
  return sheet
end

local function automatic_styles(self)
  local out = {"<office:automatic-styles>", DATA_STYLES}
  for _, width in ipairs(self.column_style_order) do
    out[#out + 1] = table.concat{'<style:style style:name="', self.column_styles[width],
      '" style:family="table-column"><style:table-column-properties fo:break-before="auto"',
      ' style:column-width="', escape(width), '"/></style:style>'}
  end
  out[#out + 1] = '<style:style style:name="ta1" style:family="table" ' ..
    'style:master-page-name="Default"><style:table-properties table:display="true" ' ..
    'style:writing-mode="lr-tb"/></style:style>'
  for _, name in ipairs(self.cell_style_order) do
    out[#out + 1] = cell_style_xml(name, self.cell_styles[name])
  end
  out[#out + 1] = "</office:automatic-styles>"
  return table.concat(out)
end

-- An autofilter on each sheet's header row, over its rows.
local function database_ranges(self)
  local out = {}
  for i, sheet in ipairs(self.sheets) do
    if sheet.head and sheet.ncols > 0 then
      local q = escape(quoted_name(sheet.name))
      out[#out + 1] = table.concat{'<table:database-range table:name="__Anonymous_Sheet_DB__',
        i - 1, '" table:target-range-address="', q, ".A1:", q, ".",
        column_letters(sheet.ncols), #sheet.rows + 1, '" table:display-filter-buttons="true"/>'}
    end
  end
  if #out == 0 then return "" end
  return "<table:database-ranges>" .. table.concat(out) .. "</table:database-ranges>"
end

function Book:content()
  if #self.sheets == 0 then error("ods : un classeur sans feuille", 2) end
  local body = {}
  for _, sheet in ipairs(self.sheets) do sheet_xml(sheet, body) end
  -- the styles last: the sheets name those they use
  local head = table.concat{XML_HEAD, "<office:document-content ", NS, ' office:version="1.2">',
    automatic_styles(self), "<office:body><office:spreadsheet>"}
  table.insert(body, 1, head)
  body[#body + 1] = database_ranges(self)
  body[#body + 1] = "</office:spreadsheet></office:body></office:document-content>\n"
  return table.concat(body)
end

-- Landscape A4 with small margins; French (Belgium) as the cells' language.
local STYLES = table.concat{XML_HEAD, "<office:document-styles ", NS, ' office:version="1.2">',
  "<office:styles>",
  '<style:default-style style:family="table-cell">',
  '<style:text-properties fo:language="fr" fo:country="BE"/></style:default-style>',
  '<style:style style:name="Default" style:family="table-cell"/>',
  "</office:styles>",
  '<office:automatic-styles><style:page-layout style:name="pm1">',
  '<style:page-layout-properties fo:page-width="29.7cm" fo:page-height="21cm"',
  ' style:print-orientation="landscape" fo:margin-top="1cm" fo:margin-bottom="1cm"',
  ' fo:margin-left="1cm" fo:margin-right="1cm" style:print-page-order="ttb"/>',
  "</style:page-layout></office:automatic-styles>",
  '<office:master-styles><style:master-page style:name="Default" style:page-layout-name="pm1">',
  '<style:header style:display="false"/><style:footer style:display="false"/>',
  "</style:master-page></office:master-styles></office:document-styles>\n"}

local function config_item(name, kind, value)
  return table.concat{'<config:config-item config:name="', name, '" config:type="', kind, '">',
    value, "</config:config-item>"}
end

-- View settings: the header row (and opts.freeze columns) stay in view when scrolling.
function Book:settings()
  local tables = {}
  for _, sheet in ipairs(self.sheets) do
    local rows, cols = sheet.head and 1 or 0, sheet.freeze
    tables[#tables + 1] = table.concat{'<config:config-item-map-entry config:name="',
      escape(sheet.name), '">',
      config_item("HorizontalSplitMode", "short", cols > 0 and 2 or 0),
      config_item("VerticalSplitMode", "short", rows > 0 and 2 or 0),
      config_item("HorizontalSplitPosition", "int", cols),
      config_item("VerticalSplitPosition", "int", rows),
      config_item("ActiveSplitRange", "short", 2),
      config_item("PositionLeft", "int", 0), config_item("PositionRight", "int", cols),
      config_item("PositionTop", "int", 0), config_item("PositionBottom", "int", rows),
      "</config:config-item-map-entry>"}
  end
  return table.concat{XML_HEAD, "<office:document-settings ", NS, ' office:version="1.2">',
    '<office:settings><config:config-item-set config:name="ooo:view-settings">',
    '<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>',
    config_item("ViewId", "string", "view1"),
    '<config:config-item-map-named config:name="Tables">', table.concat(tables),
    "</config:config-item-map-named>",
    config_item("ActiveTable", "string", self.sheets[1] and escape(self.sheets[1].name) or ""),
    "</config:config-item-map-entry></config:config-item-map-indexed>",
    "</config:config-item-set></office:settings></office:document-settings>\n"}
end

function Book:meta()
  return table.concat{XML_HEAD, "<office:document-meta ", NS, ' office:version="1.2">',
    "<office:meta><meta:generator>Jalon</meta:generator>",
    self.title and ("<dc:title>" .. escape(self.title) .. "</dc:title>") or "",
    "<dc:language>fr-BE</dc:language></office:meta></office:document-meta>\n"}
end

-- The .ods file's bytes.
function Book:bytes()
  return jalon.odf("application/vnd.oasis.opendocument.spreadsheet", {
    ["content.xml"] = self:content(), ["styles.xml"] = STYLES,
    ["settings.xml"] = self:settings(), ["meta.xml"] = self:meta()})
end

return ods
