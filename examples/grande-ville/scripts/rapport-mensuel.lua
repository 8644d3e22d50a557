-- SPDX-License-Identifier: MIT
--[[
Le rapport mensuel au DG :  jalon report rapport-mensuel [AAAA-MM]

Ce qui est en retard au premier du mois, ce qui tombe dans le mois, l'état des actions
prioritaires et ce qui attend le Comité de direction. En Markdown, pour un courriel ou
pandoc.
]]

local function line(ctx, item)
	local deadline = item.deadline and item.deadline.text or "pas d'échéance"
	ctx.write(
		("- %s %s — %s — %s ; qui : %s\n"):format(
			item.label ~= "" and item.label or "Action",
			item.title,
			item.status,
			deadline,
			item.who ~= "" and item.who or "personne"
		)
	)
end

local function section(ctx, title, items)
	ctx.write("## ", title, " (", #items, ")\n\n")
	for _, item in ipairs(items) do
		line(ctx, item)
	end
	if #items == 0 then
		ctx.write("Rien.\n")
	end
	ctx.write("\n")
end

jalon.report("rapport-mensuel", function(ctx, args)
	local month = args[1] or os.date("%Y-%m")
	local y, m = month:match("^(%d%d%d%d)%-(%d%d)$")
	if not y then
		error("mois attendu sous la forme AAAA-MM, pas « " .. month .. " »", 0)
	end
	local first = ("%s-%s-01"):format(y, m)
	local last = os.date("%Y-%m-%d", os.time({ year = tonumber(y), month = tonumber(m) + 1, day = 0, hour = 12 }))
	local plan = jalon.get("plan")
	ctx.write("# Rapport mensuel au DG — ", month, "\n\n", plan.organisation, ", ", plan.title, "\n\n")
	section(ctx, "En retard au " .. first, jalon.query({ kind = "action", overdue_at = first }))
	section(ctx, "Échéances du mois", jalon.query({ kind = "action", due_after = first, due_before = last }))
	section(ctx, "Actions prioritaires", jalon.query({ kind = "action", priority = true }))
	local waiting = {}
	for _, item in ipairs(jalon.query({ kind = "action" })) do
		if item.custom and item.custom["Validation CODIR"] == "à présenter" then
			waiting[#waiting + 1] = item
		end
	end
	section(ctx, "À présenter au Comité de direction", waiting)
end)
