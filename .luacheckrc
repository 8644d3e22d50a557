-- SPDX-License-Identifier: MIT
-- What a Jalon script sees (the sandbox of core/ext/sandbox.c, docs/scripts.md): luacheck
-- reports anything else — io, load, debug, os.execute… — as an undefined global.
stds.jalon = {
	read_globals = {
		"assert", "error", "getmetatable", "ipairs", "next", "pairs", "rawequal", "rawget",
		"rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type",
		"_VERSION", "pcall", "xpcall", "require", "print",
		"string", "table", "math", "utf8",
		os = { fields = { "time", "date", "clock", "difftime" } },
		io = { fields = { "open" } }, -- only inside scripts.files
		"jalon",
	},
}
std = "jalon"
