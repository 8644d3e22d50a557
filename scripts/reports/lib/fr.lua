-- SPDX-License-Identifier: MIT
-- French as reports write it: amounts, dates, percentages, plurals.

local fr = {}

local NBSP = "\u{202F}" -- narrow no-break space: thousands, before € and %

local MONTHS = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre"}

-- Digits grouped by three: "12500" → « 12 500 ».
local function grouped(digits)
  local text = digits:reverse():gsub("(%d%d%d)", "%1 "):reverse():gsub("^ ", "")
  return (text:gsub(" ", NBSP))
end

-- 12500.5 → « 12 500,5 » (at most two decimals, none when whole)
function fr.number(n)
  local text = string.format("%.2f", n):gsub("0+$", ""):gsub("%.$", "")
  local sign, int, dec = text:match("^(-?)(%d+)%.?(%d*)$")
  return sign .. grouped(int) .. (dec ~= "" and "," .. dec or "")
end

-- 1250000 cents → « 12 500,00 € »
function fr.amount(cents)
  if cents == nil then return "" end
  local sign = cents < 0 and "-" or ""
  cents = math.abs(math.tointeger(cents) or math.floor(cents + 0.5))
  return string.format("%s%s,%02d%s€", sign, grouped(tostring(cents // 100)), cents % 100, NBSP)
end

-- "2020-01-15" → « 15 janvier 2020 »; anything else as it is.
function fr.date(iso)
  local y, m, d = tostring(iso or ""):match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then return iso or "" end
  local day = tonumber(d)
  return string.format("%s %s %s", day == 1 and "1er" or tostring(day), MONTHS[tonumber(m)], y)
end

-- "2020-01-15" → « 15/01/2020 »
function fr.short_date(iso)
  local y, m, d = tostring(iso or ""):match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then return iso or "" end
  return d .. "/" .. m .. "/" .. y
end

-- 42 → « 42 % »; nil → « — »
function fr.percent(n)
  if n == nil then return "—" end
  return tostring(math.tointeger(n) or n) .. NBSP .. "%"
end

-- (3, "action", "actions") → « 3 actions »; 0 and 1 take the singular, as in French.
function fr.count(n, one, many)
  return fr.number(n) .. " " .. ((n == 0 or n == 1) and one or (many or one .. "s"))
end

-- The texts of a list that are not empty, joined (", " by default).
function fr.join(list, sep)
  local out = {}
  for _, v in ipairs(list or {}) do
    if v ~= nil and v ~= "" then out[#out + 1] = tostring(v) end
  end
  return table.concat(out, sep or ", ")
end

-- Seconds since 1970 → "2020-01-15" (UTC)
function fr.iso_day(time)
  return os.date("!%Y-%m-%d", time)
end

return fr
