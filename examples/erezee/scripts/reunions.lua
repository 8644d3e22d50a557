-- SPDX-License-Identifier: MIT
--[[
Un petit CPAS qui suit son PST en réunion trimestrielle (Erezée : 12 actions, une équipe
sociale, le DG et le Président).

Rappels : chaque réunion ou tâche récurrente est rappelée 14 puis 2 jours ouvrables
avant, au lieu de 7.

Ordre du jour de la réunion :  jalon report ordre-du-jour [AAAA-MM-JJ]
  les actions par objectif avec leur statut, ce qui est en retard, les échéances des
  trois mois qui suivent, et les réunions et tâches récurrentes à tenir.
]]

jalon.remind_rule(function(_, what, rule)
	if what == "récurrence" then
		rule.before = { 14, 2 }
	end
end)

local function add_months(day, n)
	local y, m, d = day:match("^(%d+)-(%d+)-(%d+)$")
	return os.date("%Y-%m-%d", os.time({ year = tonumber(y), month = tonumber(m) + n, day = tonumber(d), hour = 12 }))
end

local function name(item)
	return item.label ~= "" and item.label or item.title
end

jalon.report("ordre-du-jour", function(ctx, args)
	local day = args[1] or os.date("%Y-%m-%d")
	if not day:match("^%d%d%d%d%-%d%d%-%d%d$") then
		error("date attendue sous la forme AAAA-MM-JJ, pas « " .. day .. " »", 0)
	end
	local plan = jalon.get("plan")
	ctx.write("Réunion de suivi du PST — ", plan.organisation, " — ", day, "\n\n")
	ctx.write("1. État des actions\n")
	for _, oo in ipairs(jalon.query({ kind = "oo" })) do
		ctx.write("\n   ", name(oo), " ", oo.title, "\n")
		for _, action in ipairs(jalon.query({ kind = "action", oo = oo.id })) do
			ctx.write("   - ", action.label ~= "" and (action.label .. " : ") or "", action.title, " — ", action.status, "\n")
		end
	end
	ctx.write("\n2. En retard\n")
	for _, item in ipairs(jalon.query({ overdue_at = day })) do
		ctx.write("   - ", item.title, " (", item.deadline.text, ") — ", item.who, "\n")
	end
	ctx.write("\n3. Échéances des trois mois à venir\n")
	for _, item in ipairs(jalon.query({ due_after = day, due_before = add_months(day, 3) })) do
		ctx.write("   - ", item.title, " (", item.deadline.text, ") — ", item.who, "\n")
	end
	ctx.write("\n4. Réunions et tâches récurrentes\n")
	for _, item in ipairs(jalon.query({})) do
		if item.recurrence and item.recurrence.rule then
			ctx.write("   - ", item.title, " (", item.recurrence.text, ") — ", item.who, "\n")
		end
	end
end)
