-- SPDX-License-Identifier: MIT
-- OpenDocument text (.odt) from a simple document model, for reports a secretary opens
-- and edits in LibreOffice or Word: real heading styles (« Titre 1 »…, so that
-- Insertion > Table des matières works), bullet lists, tables, an A4 page with its
-- number in the footer, French spelling. Every text is XML-escaped here.
--
--   local odt = require "lib.odt"
--   local bytes = odt.document{title = "Évaluation", subject = "…", date = "2022-06-30",
--     blocks = {
--       {type = "title", text = "Évaluation du PST"},        -- the cover's title
--       {type = "subtitle", text = "CPAS de Baelen"},
--       {type = "paragraph", text = "…", style = "center"},   -- or "note", "item", nil
--       {type = "page_break"},
--       {type = "heading", level = 1, text = "Synthèse"},     -- levels 1 to 4
--       {type = "list", items = {"un", {"deux ", {text = "gras", bold = true}}}},
--       {type = "table", head = {"Élément", "N"}, rows = {{"a", "3"}}, widths = {3, 1},
--        align = {"left", "right"}},                           -- widths relative
--     }}
--
-- A text (INLINE above) is a string, or a list of pieces: strings and
-- {text = "…", bold = true} or {text = "…", italic = true}. lib/markdown.lua reads the
-- same model. odt.parts(doc) gives the XML parts, for tests.

local odt = {}

local MIMETYPE = "application/vnd.oasis.opendocument.text"

local NS = table.concat({
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
  'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
  'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
  'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
  'xmlns:dc="http://purl.org/dc/elements/1.1/"',
  'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
  'xmlns:xlink="http://www.w3.org/1999/xlink"',
  'office:version="1.2"'}, " ")

local ESCAPES = {["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
                 ["'"] = "&apos;"}

-- Text as XML character data: & < > " ' escaped, the characters XML 1.0 forbids
-- (controls other than tab and line feed) dropped.
function odt.escape(text)
  text = tostring(text):gsub("[%z\1-\8\11\12\14-\31\127]", "")
  return (text:gsub("[&<>\"']", ESCAPES))
end

-- Text inside a paragraph: also line breaks, tabs and runs of spaces, which ODF would
-- otherwise collapse.
local function span_text(text)
  local s = odt.escape(text):gsub("\r\n?", "\n")
  s = s:gsub("\n", "<text:line-break/>"):gsub("\t", "<text:tab/>")
  s = s:gsub("^ ", "<text:s/>"):gsub("  +", function(run)
    return " <text:s text:c=\"" .. (#run - 1) .. "\"/>"
  end)
  return s
end

local INLINE_STYLE = {bold = "Strong_20_Emphasis", italic = "Emphasis"}

-- An INLINE (string or list of pieces) as paragraph content.
local function inline(value)
  if value == nil then return "" end
  if type(value) ~= "table" then return span_text(value) end
  local out = {}
  for i, piece in ipairs(value) do
    if type(piece) == "table" then
      local style = piece.bold and INLINE_STYLE.bold or piece.italic and INLINE_STYLE.italic
      local body = span_text(piece.text or "")
      out[i] = style and ('<text:span text:style-name="' .. style .. '">' .. body ..
                          "</text:span>") or body
    else
      out[i] = span_text(piece)
    end
  end
  return table.concat(out)
end
odt.inline = inline

local PARAGRAPH_STYLE = {note = "Note", center = "Center", item = "Item", [false] = "Text_20_body"}

local function paragraph(out, style, text)
  out[#out + 1] = '<text:p text:style-name="' .. style .. '">' .. inline(text) .. "</text:p>"
end

local function heading(out, block)
  local level = math.max(1, math.min(4, math.tointeger(block.level) or 1))
  out[#out + 1] = string.format(
    '<text:h text:style-name="Heading_20_%d" text:outline-level="%d">%s</text:h>',
    level, level, inline(block.text))
end

local function list(out, block)
  out[#out + 1] = '<text:list text:style-name="Bullets">'
  for _, item in ipairs(block.items or {}) do
    out[#out + 1] = '<text:list-item><text:p text:style-name="List_20_Bullet">' ..
                    inline(item) .. "</text:p></text:list-item>"
  end
  out[#out + 1] = "</text:list>"
end

-- Tables: their column widths as automatic styles (auto), the table itself in out.
local function tabular(out, auto, block, n)
  local head, rows = block.head or {}, block.rows or {}
  local columns = #head
  for _, row in ipairs(rows) do columns = math.max(columns, #row) end
  if columns == 0 then return end
  local name = "Tableau" .. n
  auto[#auto + 1] = string.format('<style:style style:name="%s" style:family="table">' ..
    '<style:table-properties style:width="17cm" table:align="margins" ' ..
    'fo:margin-top="0.1cm" fo:margin-bottom="0.25cm"/></style:style>', name)
  out[#out + 1] = string.format('<table:table table:name="%s" table:style-name="%s">',
                                name, name)
  for c = 1, columns do
    local width = math.tointeger(block.widths and block.widths[c]) or 1
    auto[#auto + 1] = string.format('<style:style style:name="%s.C%d" style:family=' ..
      '"table-column"><style:table-column-properties style:rel-column-width="%d*"/>' ..
      "</style:style>", name, c, math.max(1, width) * 1000)
    out[#out + 1] = string.format('<table:table-column table:style-name="%s.C%d"/>', name, c)
  end
  local align = block.align or {}
  local function row(cells, cell_style, text_style)
    out[#out + 1] = "<table:table-row>"
    for c = 1, columns do
      local style = align[c] == "right" and text_style .. "_20_Right" or text_style
      out[#out + 1] = '<table:table-cell table:style-name="' .. cell_style ..
        '" office:value-type="string"><text:p text:style-name="' .. style .. '">' ..
        inline(cells[c]) .. "</text:p></table:table-cell>"
    end
    out[#out + 1] = "</table:table-row>"
  end
  if #head > 0 then
    out[#out + 1] = "<table:table-header-rows>"
    row(head, "CellHead", "Table_20_Heading")
    out[#out + 1] = "</table:table-header-rows>"
  end
  for _, cells in ipairs(rows) do row(cells, "Cell", "Table_20_Contents") end
  out[#out + 1] = "</table:table>"
end

local AUTOMATIC = [[
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties
 fo:padding="0.08cm" fo:border="0.5pt solid #8c8c8c"/></style:style>
<style:style style:name="CellHead" style:family="table-cell"><style:table-cell-properties
 fo:padding="0.08cm" fo:border="0.5pt solid #8c8c8c" fo:background-color="#e8e8ec"/></style:style>
<style:style style:name="PageBreak" style:family="paragraph" style:parent-style-name="Standard">
<style:paragraph-properties fo:break-after="page"/></style:style>
]]

-- content.xml
local function content(doc)
  local out, auto, tables = {}, {}, 0
  for _, block in ipairs(doc.blocks or {}) do
    local kind = block.type
    if kind == "heading" then heading(out, block)
    elseif kind == "title" then paragraph(out, "Title", block.text)
    elseif kind == "subtitle" then paragraph(out, "Subtitle", block.text)
    elseif kind == "paragraph" then
      paragraph(out, PARAGRAPH_STYLE[block.style or false] or "Text_20_body", block.text)
    elseif kind == "list" then list(out, block)
    elseif kind == "table" then
      tables = tables + 1
      tabular(out, auto, block, tables)
    elseif kind == "page_break" then out[#out + 1] = '<text:p text:style-name="PageBreak"/>'
    else error("odt : bloc de type inconnu « " .. tostring(kind) .. " »", 2)
    end
  end
  return table.concat{
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ', NS, '>\n',
    "<office:automatic-styles>\n", AUTOMATIC, table.concat(auto, "\n"),
    "\n</office:automatic-styles>\n<office:body>\n<office:text>\n",
    table.concat(out, "\n"), "\n</office:text>\n</office:body>\n</office:document-content>\n"}
end

local function heading_styles()
  local sizes = {"16pt", "13.5pt", "12pt", "11pt"}
  local out = {}
  for level = 1, 4 do
    out[level] = string.format('<style:style style:name="Heading_20_%d" style:display-name=' ..
      '"Heading %d" style:family="paragraph" style:parent-style-name="Heading" ' ..
      'style:next-style-name="Text_20_body" style:default-outline-level="%d" ' ..
      'style:class="text"><style:paragraph-properties fo:margin-top="%s" ' ..
      'fo:margin-bottom="0.15cm" fo:keep-with-next="always"/><style:text-properties ' ..
      'fo:font-size="%s" fo:font-weight="bold"%s/></style:style>',
      level, level, level, level == 1 and "0.6cm" or "0.4cm", sizes[level],
      level == 1 and ' fo:color="#1f3b63"' or "")
  end
  local outline = {'<text:outline-style style:name="Outline">'}
  for level = 1, 10 do
    outline[#outline + 1] = string.format('<text:outline-level-style text:level="%d" ' ..
      'style:num-format=""><style:list-level-properties ' ..
      'text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-' ..
      'alignment text:label-followed-by="nothing"/></style:list-level-properties>' ..
      "</text:outline-level-style>", level)
  end
  outline[#outline + 1] = "</text:outline-style>"
  return table.concat(out, "\n") .. "\n" .. table.concat(outline)
end

local STYLES = [[
<office:font-face-decls>
<style:font-face style:name="Liberation Sans" svg:font-family="&apos;Liberation Sans&apos;"
 style:font-family-generic="swiss" style:font-pitch="variable"/>
</office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit"
 style:writing-mode="page"/><style:text-properties style:font-name="Liberation Sans"
 fo:font-size="10.5pt" fo:language="fr" fo:country="BE" fo:hyphenate="false"/></style:default-style>
<style:default-style style:family="table"><style:table-properties
 table:border-model="collapsing"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"
 style:parent-style-name="Standard" style:class="text"><style:paragraph-properties
 fo:margin-top="0cm" fo:margin-bottom="0.18cm" fo:line-height="115%"/></style:style>
<style:style style:name="Note" style:family="paragraph" style:parent-style-name="Text_20_body"
 style:class="text"><style:text-properties fo:font-size="9pt" fo:font-style="italic"
 fo:color="#4a4a4f"/></style:style>
<style:style style:name="Item" style:family="paragraph" style:parent-style-name="Text_20_body"
 style:class="text"><style:paragraph-properties fo:margin-top="0.2cm" fo:margin-bottom="0.08cm"
 fo:keep-with-next="always"/></style:style>
<style:style style:name="Center" style:family="paragraph" style:parent-style-name="Text_20_body"
 style:class="text"><style:paragraph-properties fo:text-align="center"/><style:text-properties
 fo:font-size="12pt"/></style:style>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard"
 style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties
 fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" fo:keep-with-next="always"/><style:text-properties
 fo:font-size="14pt"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading"
 style:next-style-name="Subtitle" style:class="chapter"><style:paragraph-properties
 fo:margin-top="5cm" fo:margin-bottom="0.6cm" fo:text-align="center"/><style:text-properties
 fo:font-size="24pt" fo:font-weight="bold" fo:color="#1f3b63"/></style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Heading"
 style:next-style-name="Text_20_body" style:class="chapter"><style:paragraph-properties
 fo:margin-top="0.2cm" fo:margin-bottom="0.4cm" fo:text-align="center"/><style:text-properties
 fo:font-size="15pt"/></style:style>
{{headings}}
<style:style style:name="List" style:family="paragraph" style:parent-style-name="Text_20_body" style:class="list"/>
<style:style style:name="List_20_Bullet" style:display-name="List Bullet" style:family="paragraph"
 style:parent-style-name="List" style:class="list"><style:paragraph-properties fo:margin-bottom="0.08cm"/></style:style>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph"
 style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-size="9pt"/></style:style>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph"
 style:parent-style-name="Table_20_Contents" style:class="extra"><style:text-properties
 fo:font-weight="bold"/></style:style>
<style:style style:name="Table_20_Contents_20_Right" style:display-name="Table Contents Right"
 style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra">
<style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="Table_20_Heading_20_Right" style:display-name="Table Heading Right"
 style:family="paragraph" style:parent-style-name="Table_20_Heading" style:class="extra">
<style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard"
 style:class="extra"><style:paragraph-properties fo:text-align="center"/><style:text-properties
 fo:font-size="8.5pt" fo:color="#4a4a4f"/></style:style>
<style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis"
 style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Emphasis" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
<text:list-style style:name="Bullets">
<text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties
 text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment
 text:label-followed-by="listtab" text:list-tab-stop-position="0.6cm" fo:text-indent="-0.4cm"
 fo:margin-left="0.6cm"/></style:list-level-properties></text:list-level-style-bullet>
</text:list-style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm"
 fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="2cm" fo:margin-bottom="1.5cm"
 fo:margin-left="2cm" fo:margin-right="2cm"/><style:footer-style><style:header-footer-properties
 fo:min-height="0.6cm" fo:margin-top="0.3cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="A4"><style:footer><text:p
 text:style-name="Footer">{{footer}} — page <text:page-number
 text:select-page="current">1</text:page-number></text:p></style:footer></style:master-page>
</office:master-styles>
]]

-- styles.xml: the named styles, the A4 page, the footer (the document's title and the
-- page number).
local function styles(doc)
  local values = {headings = heading_styles(), footer = inline(doc.footer or doc.title or "")}
  local body = STYLES:gsub("{{(%a+)}}", function(name) return values[name] end)
  return table.concat{'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles ',
                      NS, '>\n', body, "</office:document-styles>\n"}
end

-- meta.xml: title, subject, language, creation date (doc.date, "AAAA-MM-JJ", so that
-- the same data give the same bytes).
local function meta(doc)
  local date = doc.date and (doc.date .. "T00:00:00") or os.date("!%Y-%m-%dT%H:%M:%S")
  return table.concat{
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta ', NS, '>\n<office:meta>',
    "<meta:generator>Jalon</meta:generator>",
    "<dc:title>", odt.escape(doc.title or ""), "</dc:title>",
    "<dc:subject>", odt.escape(doc.subject or ""), "</dc:subject>",
    "<dc:language>", odt.escape(doc.language or "fr-BE"), "</dc:language>",
    "<meta:creation-date>", date, "</meta:creation-date>",
    "<dc:date>", date, "</dc:date>",
    "</office:meta>\n</office:document-meta>\n"}
end

function odt.parts(doc)
  return {["content.xml"] = content(doc), ["styles.xml"] = styles(doc),
          ["meta.xml"] = meta(doc)}
end

-- The bytes of the .odt.
function odt.document(doc)
  return jalon.odf(MIMETYPE, odt.parts(doc))
end

return odt
